package org.roster.plan;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import org.roster.audit.AuditDetails;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.hr.HrRecords;
import org.roster.hr.StoredWorker;
import org.roster.lifecycle.Identity;
import org.roster.lifecycle.Lifecycle;
import org.roster.lifecycle.LifecycleState;
import org.roster.policy.Policy;
import org.roster.policy.PolicyEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A new policy while Roster runs: validated in full (CEL, catalogue, targets) before it replaces
 * the running one, then the identities it affects, and only those, are planned again. An identity
 * is affected when a changed rule's condition (in the old or the new policy) holds for it; when
 * more than rules changed (catalogue, separations, leave of absence), every identity holding access
 * is. The recomputation goes through the safety guard as source {@code policy}.
 */
@Service
public class PolicyChanges {

    private static final Logger log = LoggerFactory.getLogger(PolicyChanges.class);
    private static final int PAGE = 500;

    private final PolicyEngine engine;
    private final PlanningStage planning;
    private final KnownAccounts accounts;
    private final Lifecycle lifecycle;
    private final HrRecords hr;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;

    public PolicyChanges(PolicyEngine engine, PlanningStage planning, KnownAccounts accounts, Lifecycle lifecycle,
                         HrRecords hr, AuditLog audit, TransactionTemplate tx, Clock clock) {
        this.engine = engine;
        this.planning = planning;
        this.accounts = accounts;
        this.lifecycle = lifecycle;
        this.hr = hr;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * @param changedRules rules added, removed or changed
     * @param everyone true when more than rules changed, so that every identity holding access was affected
     * @param affected identities planned again
     */
    public record Outcome(String previousVersion, String version, Set<String> changedRules, boolean everyone,
                          long affected, Duration took) {
    }

    /** Re-reads the policy from where it is configured; refused (and the running one kept) if it does not validate. */
    public Outcome reload(String actor) {
        Instant start = clock.instant();
        Policy next = engine.load();
        PlanningStage.checkTargets(next, accounts.targets());
        Policy previous = engine.current();
        if (next.version().equals(previous.version())) {
            return new Outcome(previous.version(), next.version(), Set.of(), false, 0, Duration.ZERO);
        }
        engine.install(next);
        Set<String> changed = previous.changedRules(next);
        boolean everyone = previous.differsBeyondRules(next);
        String correlation = "policy-" + next.version();
        String reloaded = "policy " + previous.version() + " -> " + next.version() + " from " + next.origin()
            + (everyone ? "; catalogue, separations or leave rules changed: every identity is recomputed" : "")
            + "; rules changed";
        // every changed rule named, in as many records as that takes
        List<String> rules = changed.isEmpty() ? List.of("none") : changed.stream().sorted().toList();
        List<String> details = AuditDetails.split(rules, ", ", AuditDetails.counted(reloaded, ": "));
        tx.executeWithoutResult(s -> details.forEach(detail -> audit.append(new AuditEntry(null, "POLICY_RELOADED",
            AuditEntry.Stage.DECISION, actor, null, detail, correlation))));
        long[] counts = new long[1];
        forAffected(previous, next, changed, everyone, (identity, worker) -> {
            counts[0]++;
            planning.replan(identity, "POLICY " + next.version(), correlation, "policy", next);
        });
        Duration took = Duration.between(start, clock.instant());
        log.info("policy {} installed from {}: {} identities recomputed in {} ms", next.version(), next.origin(),
            counts[0], took.toMillis());
        return new Outcome(previous.version(), next.version(), changed, everyone, counts[0], took);
    }

    /** Calls back, in transactions of a page each, for every identity holding access that the change affects. */
    void forAffected(Policy previous, Policy next, Set<String> changed, boolean everyone,
                     BiConsumer<String, StoredWorker> action) {
        lifecycle.forEachPageHoldingAccess(PAGE, (state, page) -> tx.executeWithoutResult(s -> {
            java.util.Map<String, StoredWorker> workers = new java.util.HashMap<>();
            hr.findByEmployeeNumbers(page.stream().map(Identity::employeeNumber).toList())
                .forEach(w -> workers.put(w.worker().employeeNumber(), w));
            for (Identity id : page) {
                StoredWorker w = workers.get(id.employeeNumber());
                if (w == null) {
                    continue;
                }
                var attrs = w.worker().attributes();
                if (everyone || previous.anyMatches(changed, attrs, state.name())
                    || next.anyMatches(changed, attrs, state.name())) {
                    action.accept(id.employeeNumber(), w);
                }
            }
        }));
    }

    /** The plans a proposed policy would make, without installing it or changing anything. */
    public PreviewOutcome preview(Policy proposed, int limit, Duration budget) {
        PlanningStage.checkTargets(proposed, accounts.targets());
        Policy running = engine.current();
        Set<String> changed = running.changedRules(proposed);
        boolean everyone = running.differsBeyondRules(proposed);
        List<Plan> plans = new ArrayList<>();
        long[] affected = new long[1];
        Instant deadline = clock.instant().plus(budget);
        try {
            forAffected(running, proposed, changed, everyone, (identity, worker) -> {
                if (clock.instant().isAfter(deadline)) {
                    throw new OutOfTime();
                }
                affected[0]++;
                planning.preview(identity, proposed).filter(p -> !p.operations().isEmpty()).ifPresent(p -> {
                    if (plans.size() < limit) {
                        plans.add(p);
                    }
                });
            });
        } catch (OutOfTime e) {
            return new PreviewOutcome(plans, affected[0], false);
        }
        return new PreviewOutcome(plans, affected[0], true);
    }

    /**
     * What a proposed policy would do.
     *
     * @param affected identities planned again (so far, when incomplete)
     * @param complete false when the preview ran out of its time budget before every affected identity
     */
    public record PreviewOutcome(List<Plan> plans, long affected, boolean complete) {
    }

    /** The preview's time budget ran out: it stops, and says so. */
    private static final class OutOfTime extends RuntimeException {
        OutOfTime() {
            super(null, null, false, false);
        }
    }
}
