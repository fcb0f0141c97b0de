package org.roster.lifecycle.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.roster.lifecycle.Lifecycle;
import org.roster.runtime.Retries;
import org.roster.runtime.WorkerLoop;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fires scheduled lifecycle changes when they fall due: sleeps until the earliest one (or until a
 * newly scheduled change may be earlier), then hands the due identities to {@link Lifecycle}, a
 * page to a transaction ({@link #fireDue}). The schedule is in the store: after a restart, changes
 * that fell due while Roster was down fire at once (and a termination among them is flagged late).
 */
@Component
public class LifecycleScheduler extends WorkerLoop {

    private static final Duration IDLE_WAIT = Duration.ofMinutes(1);

    private final ScheduleRepository schedule;
    private final ObjectProvider<Lifecycle> lifecycle;
    private final TransactionTemplate tx;
    private final Clock clock;

    /** Lifecycle is looked up lazily: it schedules through this class, and this class fires through it. */
    public LifecycleScheduler(ScheduleRepository schedule, ObjectProvider<Lifecycle> lifecycle, TransactionTemplate tx,
                              Clock clock, io.micrometer.core.instrument.MeterRegistry meters) {
        super("roster-lifecycle-scheduler");
        this.schedule = schedule;
        this.lifecycle = lifecycle;
        this.tx = tx;
        this.clock = clock;
        io.micrometer.core.instrument.Gauge.builder("roster.lifecycle.effective.dates.failing", this::failing)
            .description("Effective dates that could not be applied, waiting to be tried again").register(meters);
    }

    /**
     * Fires everything due now; returns how many fired. Used by the loop, and by tests that move the clock.
     *
     * <p>A pass walks what is due once, a page of {@value #PAGE} at a time in (moment, employee number)
     * order, each page one transaction (a month's end of contractors is thousands due at once). If a page
     * fails for anything but the store being unreachable, each of its changes is tried in a transaction of
     * its own; one that fails so waits before it is tried again, and passes go past it meanwhile
     * ({@link Retries}).
     */
    public int fireDue() {
        return fireDue(clock.instant());
    }

    private int fireDue(Instant now) {
        return retries.<ScheduleRepository.Due>walk(last -> schedule.dueBy(now, last, PAGE), PAGE, d -> d,
            d -> d.employeeNumber() + " (" + d.dueAt() + ")",
            page -> tx.executeWithoutResult(s -> lifecycle.getObject().effectiveDatesReached(page)),
            d -> tx.executeWithoutResult(s -> lifecycle.getObject().effectiveDateReached(d.employeeNumber(), d.dueAt(),
                d.hrEventId())));
    }

    /** Effective dates fired in one transaction. */
    static final int PAGE = 100;

    /** Effective dates that failed on their own. */
    private final Retries<ScheduleRepository.Due> retries = new Retries<>("lifecycle", "the effective date of", log);

    /** Effective dates that failed and wait to be tried again (gauge {@code roster.lifecycle.effective.dates.failing}). */
    public int failing() {
        return retries.size();
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LifecycleScheduler.class);

    @Override
    protected long pass() {
        clearWakeUps();
        Instant now = clock.instant();
        fireDue(now);
        // due after the pass began: one that fell due while it ran is due at once
        return Math.max(1, retries.millisToNext(schedule.nextDueAfter(now), clock, IDLE_WAIT.toMillis()));
    }
}
