package org.roster.grants.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.LongUnaryOperator;
import org.jspecify.annotations.Nullable;
import org.roster.runtime.WorkerLoop;
import org.springframework.stereotype.Component;

/**
 * Ends grants when their time comes: sleeps until the earliest expiry or review deadline in the
 * store (so the schedule survives restarts), until a new one is set, or until one that failed may be
 * tried again.
 */
@Component
public class GrantExpiry extends WorkerLoop {

    private static final Duration IDLE_WAIT = Duration.ofMinutes(1);

    private final Clock clock;
    private @Nullable IntSupplier expire;
    private @Nullable LongUnaryOperator millisToNext;

    public GrantExpiry(Clock clock) {
        super("roster-grant-expiry");
        this.clock = clock;
    }

    /**
     * Given the work by the grants service (which owns the transactions and the audit): {@code expire} ends
     * everything due, {@code millisToNext} says how long until something is due or may be tried again, at
     * most its argument.
     */
    public void bind(IntSupplier expire, LongUnaryOperator millisToNext) {
        this.expire = expire;
        this.millisToNext = millisToNext;
    }

    @Override
    protected long pass() {
        if (expire == null || millisToNext == null) {
            return IDLE_WAIT.toMillis();
        }
        clearWakeUps();
        expire.getAsInt();
        return Math.max(1, millisToNext.applyAsLong(IDLE_WAIT.toMillis()));
    }
}
