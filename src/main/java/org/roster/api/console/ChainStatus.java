package org.roster.api.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditLog;
import org.roster.audit.ChainVerifier;
import org.springframework.stereotype.Component;

/**
 * The audit chain's status for the dashboard: verifying a million records takes seconds, so the
 * page shows the last verification (redone in the background when older than ten minutes) instead
 * of making anyone wait for it.
 */
@Component
class ChainStatus {

    private static final Duration STALE = Duration.ofMinutes(10);

    /** The last verification, and when it ended. */
    record Status(ChainVerifier.Result result, Instant at) {
    }

    private final AuditLog audit;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile @Nullable Status last;

    ChainStatus(AuditLog audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /** The last status (null before the first verification ends); starts a new one when it is old. */
    @Nullable Status current() {
        Status s = last;
        if ((s == null || s.at().plus(STALE).isBefore(clock.instant())) && running.compareAndSet(false, true)) {
            Thread t = new Thread(() -> {
                try {
                    last = new Status(audit.verify(), clock.instant());
                } finally {
                    running.set(false);
                }
            }, "roster-chain-status");
            t.setDaemon(true);
            t.start();
        }
        return s;
    }
}
