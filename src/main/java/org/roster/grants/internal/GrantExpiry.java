package org.roster.grants.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.roster.runtime.WorkerLoop;
import org.springframework.stereotype.Component;

/**
 * Ends grants when their time comes: sleeps until the earliest expiry or review deadline in the
 * store (so the schedule survives restarts), or until a new one is set.
 */
@Component
public class GrantExpiry extends WorkerLoop {

    private static final Duration IDLE_WAIT = Duration.ofMinutes(1);

    private final Clock clock;
    private @Nullable IntSupplier expire;
    private @Nullable Supplier<Optional<Instant>> nextDue;

    public GrantExpiry(Clock clock) {
        super("roster-grant-expiry");
        this.clock = clock;
    }

    /** Given the work by the grants service (which owns the transactions and the audit). */
    public void bind(IntSupplier expire, Supplier<Optional<Instant>> nextDue) {
        this.expire = expire;
        this.nextDue = nextDue;
    }

    @Override
    protected long pass() {
        if (expire == null || nextDue == null) {
            return IDLE_WAIT.toMillis();
        }
        if (expire.getAsInt() > 0) {
            return 0;
        }
        clearWakeUps();
        Instant now = clock.instant();
        return nextDue.get()
            .map(due -> Math.max(1, Math.min(Duration.between(now, due).toMillis(), IDLE_WAIT.toMillis())))
            .orElse(IDLE_WAIT.toMillis());
    }
}
