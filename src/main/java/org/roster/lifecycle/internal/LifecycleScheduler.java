package org.roster.lifecycle.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.roster.lifecycle.Lifecycle;
import org.roster.runtime.WorkerLoop;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fires scheduled lifecycle changes when they fall due: sleeps until the earliest one (or until a
 * newly scheduled change may be earlier), then hands each due identity to {@link Lifecycle}, one
 * transaction each. The schedule is in the store: after a restart, changes that fell due while
 * Roster was down fire at once (and a termination among them is flagged late).
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
                              Clock clock) {
        super("roster-lifecycle-scheduler");
        this.schedule = schedule;
        this.lifecycle = lifecycle;
        this.tx = tx;
        this.clock = clock;
    }

    /** Fires everything due now; returns how many fired. Used by the loop, and by tests that move the clock. */
    public int fireDue() {
        int fired = 0;
        List<ScheduleRepository.Due> due;
        do {
            due = schedule.dueBy(clock.instant(), 100);
            for (ScheduleRepository.Due d : due) {
                tx.executeWithoutResult(s -> lifecycle.getObject().effectiveDateReached(d.employeeNumber(), d.dueAt(),
                    d.hrEventId()));
                fired++;
            }
        } while (due.size() == 100);
        return fired;
    }

    @Override
    protected long pass() {
        clearWakeUps();
        fireDue();
        return schedule.nextDue()
            .map(due -> Math.max(1, Duration.between(clock.instant(), due).toMillis()))
            .map(ms -> Math.min(ms, IDLE_WAIT.toMillis()))
            .orElse(IDLE_WAIT.toMillis());
    }
}
