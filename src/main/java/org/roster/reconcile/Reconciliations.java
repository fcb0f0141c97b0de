package org.roster.reconcile;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.lifecycle.Identity;
import org.roster.lifecycle.Lifecycle;
import org.roster.lifecycle.LifecycleState;
import org.roster.plan.Planner;
import org.roster.plan.PlanningStage;
import org.roster.provisioning.ConnectorException;
import org.roster.provisioning.ListOp;
import org.roster.provisioning.Provisioning;
import org.roster.reconcile.internal.FindingRepository;
import org.springframework.stereotype.Service;

/**
 * Reads a target back, every account page by page, and compares it with what HR and policy say it
 * should hold (the planner's desired state, exceptions and grants included): orphan accounts,
 * enabled accounts of people who should have nothing there, disabled accounts, missing accounts,
 * extra and missing entitlements. Each is a finding with a status. Report mode only in this version:
 * mending goes through the planner and the safety guard, and arrives with its own change.
 */
@Service
public class Reconciliations {

    private static final int PAGE = 500;

    private final Provisioning provisioning;
    private final PlanningStage planning;
    private final Lifecycle lifecycle;
    private final FindingRepository findings;
    private final AuditLog audit;
    private final Clock clock;

    public Reconciliations(Provisioning provisioning, PlanningStage planning, Lifecycle lifecycle,
                           FindingRepository findings, AuditLog audit, Clock clock) {
        this.provisioning = provisioning;
        this.planning = planning;
        this.lifecycle = lifecycle;
        this.findings = findings;
        this.audit = audit;
        this.clock = clock;
    }

    /** A finished run: how many accounts were read, and what was found. */
    public record Run(String id, String target, long accounts, List<Finding> findings, @Nullable String error) {
    }

    /**
     * Reconciles one target now, reporting drift (nothing is changed).
     *
     * @throws IllegalArgumentException when no such target is configured (nothing is recorded)
     */
    public Run report(String target, String actor) {
        if (!provisioning.targets().contains(target)) {
            throw new IllegalArgumentException("no target '" + target + "'; configured: "
                + new TreeSet<>(provisioning.targets()));
        }
        String runId = findings.startRun(target, "REPORT", actor, clock.instant());
        Set<String> seen = new HashSet<>();
        long[] count = {0, 0};
        String error = null;
        try {
            count[0] = provisioning.listAccounts(target, PAGE, account -> {
                if (account.identity() != null) {
                    seen.add(account.identity());
                }
                count[1] += compare(runId, target, account);
            });
            // Who should have an account there and has none.
            for (LifecycleState state : List.of(LifecycleState.ACTIVE, LifecycleState.ON_LEAVE)) {
                String after = "";
                while (true) {
                    List<Identity> page = lifecycle.listAfter(state, after, PAGE);
                    for (Identity id : page) {
                        if (!seen.contains(id.employeeNumber()) && desiredOn(id.employeeNumber(), target).isPresent()) {
                            count[1] += add(runId, target, id.employeeNumber(), null, Finding.Kind.MISSING_ACCOUNT,
                                "should have an account on '" + target + "' and has none");
                        }
                    }
                    if (page.size() < PAGE) {
                        break;
                    }
                    after = page.get(page.size() - 1).employeeNumber();
                }
            }
        } catch (ConnectorException e) {
            error = e.getMessage();
        }
        findings.finishRun(runId, count[0], count[1], error, clock.instant());
        audit.append(new AuditEntry(null, "RECONCILED", AuditEntry.Stage.DECISION, actor, target, "reconciliation "
            + runId + " of '" + target + "': " + count[0] + " account(s) read, " + count[1] + " finding(s)"
            + (error == null ? "" : "; stopped: " + error), "reconcile-" + runId));
        return new Run(runId, target, count[0], findings.forRun(runId), error);
    }

    private long compare(String runId, String target, ListOp.ListedAccount account) {
        String identity = account.identity();
        if (identity == null || lifecycle.find(identity).isEmpty()) {
            return add(runId, target, identity, account.key(), Finding.Kind.ORPHAN_ACCOUNT,
                (account.enabled() ? "enabled" : "disabled") + " account " + account.key() + " that no identity in Roster owns"
                    + (identity == null ? "" : " (employee number " + identity + " is unknown)"));
        }
        Optional<Planner.Desired> desired = desiredOn(identity, target);
        long found = 0;
        if (desired.isEmpty() || !desired.get().enabled()) {
            if (account.enabled()) {
                found += add(runId, target, identity, account.key(), Finding.Kind.ENABLED_WITHOUT_ACCESS,
                    "account is enabled but " + identity + " should have no access on '" + target + "' ("
                        + lifecycle.find(identity).map(i -> i.state().name()).orElse("?") + ")");
            }
        } else if (!account.enabled()) {
            found += add(runId, target, identity, account.key(), Finding.Kind.DISABLED_ACCOUNT,
                "account is disabled but " + identity + " should have access on '" + target + "'");
        }
        Map<String, String> wanted = desired.map(Planner.Desired::entitlements).orElse(Map.of());
        for (String e : new TreeSet<>(account.entitlements())) {
            if (!wanted.containsKey(e)) {
                found += add(runId, target, identity, account.key(), Finding.Kind.EXTRA_ENTITLEMENT,
                    "holds '" + e + "', which nothing grants");
            }
        }
        if (desired.isPresent() && desired.get().enabled()) {
            for (String e : new TreeSet<>(wanted.keySet())) {
                if (!account.entitlements().contains(e)) {
                    found += add(runId, target, identity, account.key(), Finding.Kind.MISSING_ENTITLEMENT,
                        "lacks '" + e + "', granted by " + wanted.get(e));
                }
            }
        }
        return found;
    }

    private Optional<Planner.Desired> desiredOn(String identity, String target) {
        return planning.desired(identity).flatMap(list -> list.stream().filter(d -> d.target().equals(target)).findFirst());
    }

    private long add(String runId, String target, @Nullable String identity, @Nullable String accountKey,
                     Finding.Kind kind, String detail) {
        Instant now = clock.instant();
        findings.add(new Finding(FindingRepository.newId(), runId, target, identity, accountKey, kind, detail,
            Finding.Status.OPEN, now));
        return 1;
    }
}
