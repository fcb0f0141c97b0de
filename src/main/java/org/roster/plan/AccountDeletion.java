package org.roster.plan;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.roster.plan.internal.TimerRepository;
import org.roster.runtime.WorkerLoop;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes a leaver's accounts once they have been disabled for {@code roster.plan.delete-after}:
 * sleeps until the earliest deletion in the store (so it survives restarts), then plans the
 * deletions through the usual path (the safety guard counts them). A worker rehired meanwhile keeps
 * the account: the deletion is dropped.
 */
@Component
public class AccountDeletion extends WorkerLoop {

    private static final Duration IDLE_WAIT = Duration.ofMinutes(1);

    private final TimerRepository timers;
    private final PlanningStage planning;
    private final TransactionTemplate tx;
    private final Clock clock;

    public AccountDeletion(TimerRepository timers, PlanningStage planning, TransactionTemplate tx, Clock clock) {
        super("roster-account-deletion");
        this.timers = timers;
        this.planning = planning;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    protected long pass() {
        List<TimerRepository.Due> due = timers.due(clock.instant(), 100);
        for (TimerRepository.Due d : due) {
            tx.executeWithoutResult(s -> {
                // The identity first, then its timer, in the order a rehire takes them: a rehire and a
                // deletion falling due at once then never both go ahead.
                planning.lock(d.identity());
                if (timers.remove(d.identity())) {
                    planning.deleteAccounts(d.identity(), d.dueAt(), d.correlationId());
                }
            });
        }
        if (!due.isEmpty()) {
            return 0;
        }
        clearWakeUps();
        Instant now = clock.instant();
        return timers.nextDue()
            .map(at -> Math.max(1, Math.min(Duration.between(now, at).toMillis(), IDLE_WAIT.toMillis())))
            .orElse(IDLE_WAIT.toMillis());
    }
}
