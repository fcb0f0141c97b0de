package org.roster.nhi.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.roster.nhi.NonHumanIdentities;
import org.roster.runtime.WorkerLoop;
import org.springframework.stereotype.Component;

/**
 * Rotates the credentials marked for rotation (a leaver's NHIs) once their transaction is committed,
 * and ends NHIs at their expiry: sleeps until the earliest one in the store, at most a minute, or
 * until woken by a new rotation request.
 */
@Component
class NhiExpiry extends WorkerLoop {

    private static final Duration IDLE_WAIT = Duration.ofMinutes(1);
    private final NonHumanIdentities nhis;
    private final Clock clock;

    NhiExpiry(NonHumanIdentities nhis, Clock clock) {
        super("roster-nhi-expiry");
        this.nhis = nhis;
        this.clock = clock;
    }

    /** A leaver's NHIs may now be marked for rotation: look once their transaction is committed. */
    @org.springframework.context.event.EventListener
    void on(org.roster.lifecycle.IdentityTransitioned t) {
        if (t.kind() == org.roster.lifecycle.TransitionKind.LEAVER) {
            org.roster.store.AfterCommit.run(this::wake);
        }
    }

    @Override
    protected long pass() {
        int rotated = nhis.rotateDue();
        if (nhis.expireDue() > 0 || rotated == 50) {
            return 0;
        }
        if (rotated > 0) {
            return 60_000; // failures wait a minute before they are tried again
        }
        Instant now = clock.instant();
        return nhis.nextExpiry().map(due -> Math.max(1, Math.min(Duration.between(now, due).toMillis(),
            IDLE_WAIT.toMillis()))).orElse(IDLE_WAIT.toMillis());
    }
}
