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

    /**
     * Fires everything due now; returns how many fired. Used by the loop, and by tests that move the clock.
     * A page of {@value #PAGE} due together is one transaction (a month's end of contractors is thousands
     * due at once). If a page fails for anything but the store being unreachable, each of its changes is
     * tried in a transaction of its own, so that one that cannot be applied does not hold back the
     * others; the first such failure is thrown once every other has been applied (the loop tries again).
     */
    public int fireDue() {
        int fired = 0;
        RuntimeException failed = null;
        int read;
        do {
            List<ScheduleRepository.Due> due = schedule.dueBy(clock.instant(), PAGE);
            read = due.size();
            int applied = 0;
            try {
                tx.executeWithoutResult(s -> lifecycle.getObject().effectiveDatesReached(due));
                applied = due.size();
            } catch (RuntimeException e) {
                if (org.roster.store.StoreUnreachable.in(e) != null) {
                    throw e;
                }
                log.warn("lifecycle: {} effective dates could not be applied together ({}); each on its own now",
                    due.size(), e.toString());
                for (ScheduleRepository.Due d : due) {
                    try {
                        tx.executeWithoutResult(s -> lifecycle.getObject().effectiveDateReached(d.employeeNumber(),
                            d.dueAt(), d.hrEventId()));
                        applied++;
                    } catch (RuntimeException one) {
                        if (org.roster.store.StoreUnreachable.in(one) != null) {
                            throw one;
                        }
                        log.warn("lifecycle: the effective date of {} ({}) could not be applied: {}", d.employeeNumber(),
                            d.dueAt(), one.toString());
                        failed = failed == null ? one : failed;
                    }
                }
            }
            fired += applied;
            if (applied == 0) {
                break; // none of the page could be applied: what is due after it waits for the next pass
            }
        } while (read == PAGE);
        if (failed != null) {
            throw failed;
        }
        return fired;
    }

    /** Effective dates fired in one transaction. */
    static final int PAGE = 100;

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LifecycleScheduler.class);

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
