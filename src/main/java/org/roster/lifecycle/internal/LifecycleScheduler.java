package org.roster.lifecycle.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.roster.lifecycle.Lifecycle;
import org.roster.runtime.WorkerLoop;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fires scheduled lifecycle changes when they fall due: sleeps until the earliest one (or until a
 * newly scheduled change may be earlier), then hands the due identities to {@link Lifecycle}, a page
 * to a transaction ({@link #fireDue}). The schedule is in the store: after a restart, changes that fell due while
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
     * its own. One that fails so is logged and tried again after a wait that doubles each time, from 1 s up
     * to a minute ({@link #failing}); until then a pass goes past it, so that no number of changes that
     * cannot be applied holds back those due after them. A change whose schedule was moved meanwhile (an HR
     * correction) is a new one, tried at once.
     */
    public synchronized int fireDue() {
        Instant now = clock.instant();
        int fired = 0;
        ScheduleRepository.Due after = null;
        java.util.Set<String> stillFailing = new java.util.HashSet<>();
        List<ScheduleRepository.Due> page;
        do {
            page = schedule.dueBy(now, after, PAGE);
            if (!page.isEmpty()) {
                after = page.get(page.size() - 1);
            }
            List<ScheduleRepository.Due> together = new ArrayList<>();
            List<ScheduleRepository.Due> alone = new ArrayList<>();
            for (ScheduleRepository.Due d : page) {
                Failing f = failing.get(d.employeeNumber());
                if (f == null || !f.due().equals(d)) {
                    together.add(d);
                } else {
                    stillFailing.add(d.employeeNumber());
                    if (f.notBeforeNanos() - System.nanoTime() <= 0) {
                        alone.add(d);
                    }
                }
            }
            if (!together.isEmpty()) {
                try {
                    tx.executeWithoutResult(s -> lifecycle.getObject().effectiveDatesReached(together));
                    fired += together.size();
                    together.forEach(d -> failing.remove(d.employeeNumber()));
                } catch (RuntimeException e) {
                    if (org.roster.store.StoreUnreachable.in(e) != null) {
                        throw e;
                    }
                    log.warn("lifecycle: {} effective dates could not be applied together ({}); each on its own now",
                        together.size(), e.toString());
                    alone.addAll(together);
                }
            }
            for (ScheduleRepository.Due d : alone) {
                try {
                    tx.executeWithoutResult(s -> lifecycle.getObject().effectiveDateReached(d.employeeNumber(),
                        d.dueAt(), d.hrEventId()));
                    fired++;
                    failing.remove(d.employeeNumber());
                } catch (RuntimeException e) {
                    if (org.roster.store.StoreUnreachable.in(e) != null) {
                        throw e;
                    }
                    failed(d, e);
                    stillFailing.add(d.employeeNumber());
                }
            }
        } while (page.size() == PAGE);
        // one not seen in this pass is not due any more as it was (moved or cleared by an HR change): forgotten
        failing.keySet().retainAll(stillFailing);
        return fired;
    }

    /** Effective dates fired in one transaction. */
    static final int PAGE = 100;

    /** The longest wait before an effective date that failed is tried again. */
    static final Duration MOST_BACK_OFF = Duration.ofMinutes(1);

    /** Failing effective dates remembered at most; beyond, the longest known is forgotten and tried with a page. */
    static final int MOST_FAILING = 10_000;

    /**
     * An effective date that failed on its own: how often, and when it may be tried again ({@link System#nanoTime}:
     * a wait of the process, not of the business clock the dates are read on).
     */
    private record Failing(ScheduleRepository.Due due, int attempts, long notBeforeNanos) {
    }

    /**
     * The effective dates that failed on their own, by employee number: in memory, since a restart (or the
     * scheduler moving to another instance) may as well try them at once.
     */
    private final Map<String, Failing> failing = java.util.Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failing> eldest) {
            return size() > MOST_FAILING;
        }
    });

    private void failed(ScheduleRepository.Due d, RuntimeException e) {
        Failing before = failing.get(d.employeeNumber());
        int attempts = before != null && before.due().equals(d) ? before.attempts() + 1 : 1;
        Duration wait = Duration.ofSeconds(1L << Math.min(attempts - 1, 6));
        wait = wait.compareTo(MOST_BACK_OFF) > 0 ? MOST_BACK_OFF : wait;
        failing.put(d.employeeNumber(), new Failing(d, attempts, System.nanoTime() + wait.toNanos()));
        log.error("lifecycle: the effective date of {} ({}) could not be applied, {} time(s); tried again in {} s: {}",
            d.employeeNumber(), d.dueAt(), attempts, wait.toSeconds(), e.toString());
    }

    /** How many effective dates have failed and wait to be tried again (the gauge {@code roster.lifecycle.effective.dates.failing}). */
    public int failing() {
        return failing.size();
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LifecycleScheduler.class);

    @Override
    protected long pass() {
        clearWakeUps();
        fireDue();
        Instant now = clock.instant();
        long wait = schedule.nextDueAfter(now).map(due -> Duration.between(now, due).toMillis())
            .orElse(IDLE_WAIT.toMillis());
        long nanos = System.nanoTime();
        synchronized (failing) {
            for (Failing f : failing.values()) {
                wait = Math.min(wait, Duration.ofNanos(f.notBeforeNanos() - nanos).toMillis());
            }
        }
        return Math.min(Math.max(1, wait), IDLE_WAIT.toMillis());
    }
}
