package org.roster.plan;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.hr.Worker;
import org.roster.lifecycle.IdentityTransitioned;
import org.roster.lifecycle.LifecycleState;
import org.roster.lifecycle.TransitionKind;
import org.roster.policy.Grant;
import org.roster.policy.PolicyDecision;
import org.roster.policy.PolicyEngine;
import org.roster.policy.PolicyException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Turns each lifecycle transition into a {@link Plan}: asks policy what the identity should have,
 * compares it with {@link KnownAccounts}, audits the decision and every planned operation, and
 * publishes the plan. Runs in the HR change's transaction; sends nothing.
 */
@Service
public final class PlanningStage {

    private final PolicyEngine policy;
    private final KnownAccounts accounts;
    private final ApplicationEventPublisher events;
    private final AuditLog audit;
    private final Clock clock;

    public PlanningStage(PolicyEngine policy, KnownAccounts accounts, ApplicationEventPublisher events,
                         AuditLog audit, Clock clock) {
        Set<String> unknown = new TreeSet<>(policy.referencedTargets());
        unknown.removeAll(accounts.targets());
        if (!unknown.isEmpty()) {
            throw new PolicyException("policy grants on unknown target(s) " + unknown + "; configured targets: "
                + new TreeSet<>(accounts.targets()));
        }
        this.policy = policy;
        this.accounts = accounts;
        this.events = events;
        this.audit = audit;
        this.clock = clock;
    }

    @EventListener
    void on(IdentityTransitioned t) {
        Plan plan = plan(t);
        if (!plan.operations().isEmpty()) {
            // One record per plan, listing every operation in order with its reason.
            audit.append(new AuditEntry(t.employeeNumber(), "PLANNED", AuditEntry.Stage.DECISION, "roster",
                plan.operations().stream().map(Operation::target).distinct().count() == 1
                    ? plan.operations().get(0).target() : null,
                plan.operations().size() + " operation(s): " + plan.operations().stream()
                    .map(op -> op.describe() + " (" + op.reason() + ")").collect(Collectors.joining("; ")),
                t.hrEventId()));
        }
        events.publishEvent(plan);
    }

    private Plan plan(IdentityTransitioned t) {
        List<Planner.Desired> desired = new ArrayList<>();
        String version = policy.version();
        if (DesiredAccess.holdsAccess(t.to())) {
            PolicyDecision decision = policy.evaluate(t.worker().attributes(), t.to().name());
            version = decision.policyVersion();
            audit.append(new AuditEntry(t.employeeNumber(), "POLICY", AuditEntry.Stage.DECISION, "roster", null,
                "policy " + version + " grants " + describe(decision.grants()), t.hrEventId()));
            Map<String, Map<String, String>> byTarget = new TreeMap<>();
            for (Grant g : decision.grants()) {
                Map<String, String> ents = byTarget.computeIfAbsent(g.target(), k -> new TreeMap<>());
                if (g.entitlement() != null) {
                    ents.merge(g.entitlement(), g.rule(), (a, b) -> a.equals(b) ? a : a + ", " + b);
                }
            }
            Map<String, String> attrs = accountAttributes(t.worker());
            boolean suspended = t.to() == LifecycleState.ON_LEAVE && policy.suspendsOnLeave();
            byTarget.forEach((target, ents) -> desired.add(new Planner.Desired(target, !suspended, attrs, ents)));
        }
        String context = t.kind() + (t.changes().isEmpty()
            || (t.kind() != TransitionKind.MOVER && t.kind() != TransitionKind.CONVERSION)
            ? "" : " (" + String.join("; ", t.changes()) + ")");
        // A new identity has no account anywhere yet: nothing to read back.
        List<AccountSnapshot> known = t.from() == null ? List.of() : accounts.forIdentity(t.employeeNumber());
        return Planner.plan(t.employeeNumber(), desired, known, context,
            t.kind() == TransitionKind.LEAVER, t.hrEventId(), t.receivedAt(), clock.instant(), version);
    }

    private static Map<String, String> accountAttributes(Worker w) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("userName", w.userName());
        a.put("employeeNumber", w.employeeNumber());
        putIfPresent(a, "givenName", w.givenName());
        putIfPresent(a, "familyName", w.familyName());
        putIfPresent(a, "displayName", w.displayName());
        putIfPresent(a, "email", w.email());
        putIfPresent(a, "title", w.title());
        putIfPresent(a, "department", w.department());
        return a;
    }

    private static void putIfPresent(Map<String, String> a, String k, @Nullable String v) {
        if (v != null) {
            a.put(k, v);
        }
    }

    private static String describe(List<Grant> grants) {
        if (grants.isEmpty()) {
            return "nothing";
        }
        return grants.stream()
            .map(g -> g.target() + (g.entitlement() == null ? " account" : ":" + g.entitlement()) + " (rule '" + g.rule() + "')")
            .collect(Collectors.joining(", "));
    }
}
