package org.roster.nhi.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.roster.nhi.NonHumanIdentities;
import org.roster.runtime.WorkerLoop;
import org.springframework.stereotype.Component;

/** Ends NHIs at their expiry: sleeps until the earliest one in the store (at most a minute). */
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

    @Override
    protected long pass() {
        if (nhis.expireDue() > 0) {
            return 0;
        }
        Instant now = clock.instant();
        return nhis.nextExpiry().map(due -> Math.max(1, Math.min(Duration.between(now, due).toMillis(),
            IDLE_WAIT.toMillis()))).orElse(IDLE_WAIT.toMillis());
    }
}
