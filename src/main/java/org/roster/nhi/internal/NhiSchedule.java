package org.roster.nhi.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.roster.nhi.NhiSettings;
import org.roster.nhi.NonHumanIdentities;
import org.roster.runtime.WorkerLoop;
import org.springframework.stereotype.Component;

/**
 * The NHI lifecycle's clock: ends NHIs at their expiry and deletes ended ones after their grace
 * period (sleeping until the earliest in the store, at most a minute), rotates credentials past
 * their maximum age (once an hour), and reads the targets' non-human accounts every
 * {@code roster.nhi.discover-every}.
 */
@Component
class NhiSchedule extends WorkerLoop {

    private static final Duration IDLE_WAIT = Duration.ofMinutes(1);
    private static final Duration AGE_CHECK = Duration.ofHours(1);
    private static final Duration FIRST_DISCOVERY = Duration.ofMinutes(5);

    private final NonHumanIdentities nhis;
    private final Clock clock;
    private final Duration discoverEvery;
    private @Nullable Instant nextAgeCheck;
    private @Nullable Instant nextDiscovery;

    NhiSchedule(NonHumanIdentities nhis, NhiSettings settings, Clock clock) {
        super("roster-nhi-schedule");
        this.nhis = nhis;
        this.clock = clock;
        this.discoverEvery = settings.discoverEvery();
        nhis.onDueChanged(this::wake);
    }

    /** An NHI was disabled on its target: its deletion is now the earliest thing due, perhaps. */
    @org.springframework.context.event.EventListener
    void on(org.roster.provisioning.NonHumanOperationAcknowledged done) {
        if (done.operation().kind() == org.roster.plan.OperationKind.NHI_DISABLE) {
            org.roster.store.AfterCommit.run(this::wake);
        }
    }

    @Override
    protected long pass() {
        Instant now = clock.instant();
        if (nextDiscovery == null) {
            nextDiscovery = now.plus(FIRST_DISCOVERY);
        }
        if (nextAgeCheck == null || !now.isBefore(nextAgeCheck)) {
            nextAgeCheck = now.plus(AGE_CHECK);
            nhis.rotateByAge();
        }
        if (!discoverEvery.isZero() && !now.isBefore(nextDiscovery)) {
            nextDiscovery = now.plus(discoverEvery);
            nhis.discoverAll();
        }
        nhis.expireDue(now);
        nhis.deleteDue(now);
        return Math.max(1, nhis.millisToNext(now, IDLE_WAIT.toMillis()));
    }
}
