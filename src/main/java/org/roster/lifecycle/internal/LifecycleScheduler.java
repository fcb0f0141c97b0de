package org.roster.lifecycle.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.roster.lifecycle.Lifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fires scheduled lifecycle changes when they fall due: sleeps until the earliest one (or until a
 * newly scheduled change may be earlier), then hands each due identity to {@link Lifecycle}, one
 * transaction each. The schedule is in the store: after a restart, changes that fell due while
 * Roster was down fire at once (and a termination among them is flagged late).
 */
@Component
public class LifecycleScheduler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LifecycleScheduler.class);
    private static final Duration IDLE_WAIT = Duration.ofMinutes(1);

    private final ScheduleRepository schedule;
    private final ObjectProvider<Lifecycle> lifecycle;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Semaphore signal = new Semaphore(0);
    private volatile boolean running;
    private @Nullable Thread worker;

    /** Lifecycle is looked up lazily: it schedules through this class, and this class fires through it. */
    public LifecycleScheduler(ScheduleRepository schedule, ObjectProvider<Lifecycle> lifecycle, TransactionTemplate tx,
                              Clock clock) {
        this.schedule = schedule;
        this.lifecycle = lifecycle;
        this.tx = tx;
        this.clock = clock;
    }

    /** A change was scheduled; it may be earlier than the one being waited for. */
    public void wake() {
        if (signal.availablePermits() == 0) {
            signal.release();
        }
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
    public void start() {
        running = true;
        Thread t = new Thread(this::loop, "roster-lifecycle-scheduler");
        t.setDaemon(true);
        worker = t;
        t.start();
    }

    @Override
    public void stop() {
        running = false;
        Thread t = worker;
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void loop() {
        while (running) {
            try {
                signal.drainPermits();
                fireDue();
                long wait = schedule.nextDue()
                    .map(due -> Math.max(1, Duration.between(clock.instant(), due).toMillis()))
                    .map(ms -> Math.min(ms, IDLE_WAIT.toMillis()))
                    .orElse(IDLE_WAIT.toMillis());
                signal.tryAcquire(wait, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("lifecycle scheduler pass failed; retrying in 1s", e);
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
