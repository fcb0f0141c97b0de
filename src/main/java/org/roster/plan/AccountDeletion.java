package org.roster.plan;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.roster.plan.internal.TimerRepository;
import org.roster.runtime.Retries;
import org.roster.runtime.WorkerLoop;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes a leaver's accounts once they have been disabled for {@code roster.plan.delete-after}:
 * sleeps until the earliest deletion in the store (so it survives restarts), then plans the
 * deletions through the usual path (the safety guard counts them), a page of a hundred due to a
 * transaction. A worker rehired meanwhile keeps the account: the deletion is dropped.
 */
@Component
public class AccountDeletion extends WorkerLoop {

    private static final Duration IDLE_WAIT = Duration.ofMinutes(1);

    private final TimerRepository timers;
    private final PlanningStage planning;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final org.springframework.context.ApplicationEventPublisher events;

    public AccountDeletion(TimerRepository timers, PlanningStage planning, TransactionTemplate tx, Clock clock,
                           io.micrometer.core.instrument.MeterRegistry meters,
                           org.springframework.context.ApplicationEventPublisher events) {
        super("roster-account-deletion");
        this.events = events;
        this.timers = timers;
        this.planning = planning;
        this.tx = tx;
        this.clock = clock;
        io.micrometer.core.instrument.Gauge.builder("roster.account.deletions.failing", retries::size)
            .description("Account deletions due that could not be planned, waiting to be tried again").register(meters);
    }

    @Override
    protected long pass() {
        clearWakeUps();
        Instant now = clock.instant();
        deleteDue(now);
        // due after the pass began: one that fell due while it ran is due at once
        return Math.max(1, retries.millisToNext(timers.nextDueAfter(now), clock, IDLE_WAIT.toMillis()));
    }

    /**
     * Plans the deletions due, each in a transaction of its own; returns how many were due and not waiting. One that
     * cannot be planned waits before it is tried again, and holds back none of the others ({@link Retries}).
     */
    int deleteDue(Instant now) {
        return retries.<TimerRepository.Due>walk(last -> timers.due(now, last, PAGE), PAGE, d -> d,
            d -> d.identity() + " (due " + d.dueAt() + ")", page -> tx.executeWithoutResult(s -> deleteTogether(page)),
            d -> tx.executeWithoutResult(s -> {
                // The identity first, then its timer, in the order a rehire takes them: a rehire and a
                // deletion falling due at once then never both go ahead.
                planning.lock(d.identity());
                if (timers.remove(d.identity())) {
                    planning.deleteAccounts(d.identity(), d.dueAt(), d.correlationId());
                }
            }));
    }

    /**
     * A page of deletions due, in the caller's one transaction, each as one alone is planned: the identities
     * are locked first, in one statement, and each stage reads what it needs for all of them together (as for
     * an HR batch, {@link org.roster.hr.WorkersArriving}); then their timers are read and removed, one
     * statement each. A rehire takes the identity's lock before its timer, so none comes between.
     */
    private void deleteTogether(List<TimerRepository.Due> page) {
        List<String> identities = page.stream().map(TimerRepository.Due::identity).toList();
        events.publishEvent(new org.roster.hr.WorkersArriving(identities));
        java.util.Set<String> still = timers.removeAll(identities);
        for (TimerRepository.Due d : page) {
            planning.lock(d.identity()); // locked above: no statement
            if (still.contains(d.identity())) {
                planning.deleteAccounts(d.identity(), d.dueAt(), d.correlationId());
            }
        }
    }

    private static final int PAGE = 100;

    /** Deletions that could not be planned when due. */
    private final Retries<TimerRepository.Due> retries = new Retries<>("account deletion", "the accounts of",
        org.slf4j.LoggerFactory.getLogger(AccountDeletion.class));
}
