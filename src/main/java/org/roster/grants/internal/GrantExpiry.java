package org.roster.grants.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.ToIntFunction;
import java.util.function.ToLongBiFunction;
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
    private @Nullable ToIntFunction<Instant> expire;
    private @Nullable ToLongBiFunction<Instant, Long> millisToNext;

    public GrantExpiry(Clock clock) {
        super("roster-grant-expiry");
        this.clock = clock;
    }

    /**
     * Given the work by the grants service (which owns the transactions and the audit): {@code expire} ends
     * everything due by its moment, {@code millisToNext} says how long until something due after that moment
     * is, or one that failed may be tried again, at most its second argument.
     */
    public void bind(ToIntFunction<Instant> expire, ToLongBiFunction<Instant, Long> millisToNext) {
        this.expire = expire;
        this.millisToNext = millisToNext;
    }

    @Override
    protected long pass() {
        if (expire == null || millisToNext == null) {
            return IDLE_WAIT.toMillis();
        }
        clearWakeUps();
        Instant now = clock.instant();
        expire.applyAsInt(now);
        return Math.max(1, millisToNext.applyAsLong(now, IDLE_WAIT.toMillis()));
    }
}
