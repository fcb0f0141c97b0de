package org.roster.plan;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditDetails;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.hr.HrRecords;
import org.roster.hr.StoredWorker;
import org.roster.hr.Worker;
import org.roster.lifecycle.Identity;
import org.roster.lifecycle.IdentityTransitioned;
import org.roster.lifecycle.Lifecycle;
import org.roster.lifecycle.LifecycleState;
import org.roster.lifecycle.TransitionKind;
import org.roster.policy.Grant;
import org.roster.policy.Policy;
import org.roster.policy.PolicyEngine;
import org.roster.policy.PolicyException;
import org.roster.policy.PolicySettings.LeaveMode;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Turns each lifecycle transition, and each change of access outside HR (an exception approved, a
 * JIT grant expired, a policy reloaded), into a {@link Plan}: asks policy and the standing grants
 * what the identity should have, applies the mover, leave-of-absence and segregation-of-duties
 * rules, compares the result with {@link KnownAccounts}, passes the plan through the safety guard,
 * audits the decision and publishes what may go. Runs in the caller's transaction; sends nothing.
 */
@Service
public final class PlanningStage {

    private final PolicyEngine policy;
    private final KnownAccounts accounts;
    private final StandingGrants grants;
    private final Holds holds;
    private final Lifecycle lifecycle;
    private final HrRecords hr;
    private final ApplicationEventPublisher events;
    private final AuditLog audit;
    private final Clock clock;
    private final PlanSettings settings;
    private final org.roster.plan.internal.TimerRepository timers;

    public PlanningStage(PolicyEngine policy, KnownAccounts accounts, StandingGrants grants, Holds holds,
                         Lifecycle lifecycle, HrRecords hr, ApplicationEventPublisher events, AuditLog audit,
                         Clock clock, PlanSettings settings, org.roster.plan.internal.TimerRepository timers) {
        checkTargets(policy.current(), accounts.targets());
        this.policy = policy;
        this.accounts = accounts;
        this.grants = grants;
        this.holds = holds;
        this.lifecycle = lifecycle;
        this.hr = hr;
        this.events = events;
        this.audit = audit;
        this.clock = clock;
        this.settings = settings;
        this.timers = timers;
    }

    /** Refuses a policy that names a target that is not configured. */
    static void checkTargets(Policy policy, Set<String> configured) {
        Set<String> unknown = new TreeSet<>(policy.referencedTargets());
        unknown.removeAll(configured);
        if (!unknown.isEmpty()) {
            throw new PolicyException(policy.origin() + ": names unknown target(s) " + unknown + "; configured targets: "
                + new TreeSet<>(configured));
        }
    }

    /** What planning needs to know about one identity at one moment. */
    record Input(String identity, Worker worker, LifecycleState state, @Nullable TransitionKind kind, boolean isNew,
                 String context, String correlationId, String source, Instant receivedAt, boolean delete,
                 String actor) {
    }

    @EventListener
    void on(IdentityTransitioned t) {
        String context = t.kind() + (t.changes().isEmpty()
            || (t.kind() != TransitionKind.MOVER && t.kind() != TransitionKind.CONVERSION)
            ? "" : " (" + String.join("; ", t.changes()) + ")");
        process(new Input(t.employeeNumber(), t.worker(), t.to(), t.kind(), t.from() == null, context, t.hrEventId(),
            t.source(), t.receivedAt(), false, t.actor()), policy.current());
        if (t.kind() == TransitionKind.LEAVER && settings.deleteAfter() != null) {
            timers.set(t.employeeNumber(), clock.instant().plus(settings.deleteAfter()), t.hrEventId());
        } else if (t.kind() == TransitionKind.REHIRE) {
            timers.remove(t.employeeNumber());
        }
    }

    /** A batch reads together the accounts of the identities it has locked (see {@link org.roster.lifecycle.IdentitiesLocked}). */
    @EventListener
    void on(org.roster.lifecycle.IdentitiesLocked locked) {
        accounts.prefetch(locked.employeeNumbers());
    }

    /** Locks the identity until the transaction ends, as an HR change to it does. */
    void lock(String identity) {
        lifecycle.lock(identity);
    }

    /** The grace period after a leaver's accounts were disabled has passed: they are deleted, if the worker is still gone. */
    void deleteAccounts(String identity, Instant dueAt, String correlationId) {
        input(identity, "LEAVER (disabled since " + dueAt.minus(settings.deleteAfter() == null ? java.time.Duration.ZERO
            : settings.deleteAfter()) + ")", correlationId, "schedule")
            .filter(in -> in.state() == LifecycleState.TERMINATED)
            .ifPresent(in -> process(new Input(in.identity(), in.worker(), in.state(), in.kind(), false, in.context(),
                in.correlationId(), in.source(), in.receivedAt(), true, in.actor()), policy.current()));
    }

    @EventListener
    void on(AccessChanged change) {
        replan(change.identity(), change.cause(), change.correlationId(), change.source());
    }

    /**
     * What planning an identity again did.
     *
     * @param planned operations the plan called for
     * @param sent of those, how many go out now; the rest are held (safety guard, segregation of duties)
     */
    public record Replanned(int planned, int sent) {
    }

    /**
     * Plans an identity again from its current HR record and state, after a change of its access
     * that HR did not make (a grant approved or expired, a review decided, a policy reloaded, drift
     * found by reconciliation).
     *
     * @return empty when Roster does not know the identity
     */
    public Optional<Replanned> replan(String identity, String cause, String correlationId, String source) {
        return replan(identity, cause, correlationId, source, policy.current());
    }

    Optional<Replanned> replan(String identity, String cause, String correlationId, String source, Policy with) {
        return input(identity, cause, correlationId, source).map(in -> process(in, with));
    }

    /**
     * What the identity should have now, per target (none for a target it should have nothing on),
     * without side effects: what reconciliation compares targets with.
     *
     * @return empty when Roster does not know the identity
     */
    public Optional<List<Planner.Desired>> desired(String identity) {
        return input(identity, "RECONCILE", "reconcile", "reconcile")
            .map(in -> compute(in, policy.current(), false).desired());
    }

    /** The plan a policy would make for an identity now, without side effects: for preview. */
    Optional<Plan> preview(String identity, Policy with) {
        return input(identity, "POLICY_PREVIEW", "preview", "preview").map(in -> compute(in, with, false).plan());
    }

    private Optional<Input> input(String identity, String cause, String correlationId, String source) {
        Optional<Identity> id = lifecycle.find(identity);
        Optional<Worker> worker = hr.findByEmployeeNumber(identity).map(StoredWorker::worker);
        if (id.isEmpty() || worker.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Input(identity, worker.get(), id.get().state(), null, false, cause, correlationId,
            source, clock.instant(), false, source));
    }

    private Replanned process(Input in, Policy p) {
        Computed c;
        try {
            c = compute(in, p, true);
        } catch (org.roster.policy.EntitlementNameException e) {
            if (in.kind() == null) {
                throw e;
            }
            // An HR change whose values make an invalid entitlement name: the HR value is refused (or quarantined)
            // with the field named, before anything reaches a target.
            throw new org.roster.hr.HrValidationException(e.field(), e.getMessage());
        }
        Decision granted = c.decision() == null ? null : new Decision(p.version(), c.decision());
        c.conflicts().forEach((target, conflict) -> holds.holdConflict(conflict.additions(), target, conflict.reason()));
        Plan plan = holds.admit(c.plan(), in.actor());
        Preview.observe(c.plan(), plan, c.conflicts().values().stream()
            .flatMap(conflict -> conflict.additions().operations().stream()).toList());
        publish(plan, granted);
        int withheld = c.conflicts().values().stream().mapToInt(conflict -> conflict.additions().operations().size()).sum();
        return new Replanned(c.plan().operations().size() + withheld, plan.operations().size());
    }

    /**
     * A plan made outside HR and policy (a non-human identity's rotation, disable or delete): through
     * the safety guard, audited and published to provisioning like any other, in the caller's
     * transaction.
     *
     * @return how many of its operations go now (the rest are held by the guard)
     */
    public int submit(Plan plan, String actor) {
        Plan admitted = holds.admit(plan, actor);
        publish(admitted, null);
        return admitted.operations().size();
    }

    /**
     * Audits the plan and hands it to provisioning. One record per plan: the policy's decision when
     * there is one, then every operation in order with its reason. The decision is a {@code POLICY}
     * record of its own when there is no operation (a change no access depends on, or operations all
     * held) or when it is too long to share the record with them. A decision or a list of operations
     * too long for one record is split between grants or operations ({@link AuditDetails}): every
     * one is in the trail, whole.
     */
    private void publish(Plan plan, @Nullable Decision granted) {
        List<String> operations = plan.operations().stream().map(op -> op.describe() + " (" + op.reason() + ")")
            .toList();
        List<String> planned = operations.isEmpty() ? List.of()
            : AuditDetails.split(operations, "; ", AuditDetails.counted(operations.size() + " operation(s)", ": "));
        List<String> decided = granted == null ? List.of() : granted.details();
        if (decided.size() == 1 && planned.size() == 1
                && decided.get(0).length() + 2 + planned.get(0).length() <= AuditEntry.MAX_DETAIL) {
            planned = List.of(decided.get(0) + "; " + planned.get(0));
            decided = List.of();
        }
        for (String detail : decided) {
            audit.append(new AuditEntry(plan.identity(), "POLICY", AuditEntry.Stage.DECISION, "roster", null, detail,
                plan.correlationId()));
        }
        String target = plan.operations().stream().map(Operation::target).distinct().count() == 1
            ? plan.operations().get(0).target() : null;
        for (String detail : planned) {
            audit.append(new AuditEntry(plan.identity(), "PLANNED", AuditEntry.Stage.DECISION, "roster", target, detail,
                plan.correlationId()));
        }
        events.publishEvent(plan);
    }

    /** What the policy granted, each grant with the rule behind it: "nothing" when it grants nothing. */
    private record Decision(String version, List<String> grants) {

        /** {@code policy <version> grants a (rule 'r'), b (rule 's')}, in as many details as hold it whole. */
        List<String> details() {
            return AuditDetails.split(grants, ", ", (from, to, count) -> from == 1 && to == count
                ? "policy " + version + " grants "
                : "policy " + version + " grants (" + from + " to " + to + " of " + count + ") ");
        }
    }

    /** A segregation-of-duties conflict on one target: the additions withheld, and why. */
    private record Conflict(Plan additions, String reason) {
    }

    private record Computed(Plan plan, @Nullable List<String> decision, Map<String, Conflict> conflicts,
                            List<Planner.Desired> desired) {
    }

    private Computed compute(Input in, Policy p, boolean effects) {
        Instant now = clock.instant();
        boolean holdsAccess = DesiredAccess.holdsAccess(in.state());
        List<Grant> granted = new ArrayList<>();
        if (holdsAccess) {
            granted.addAll(p.evaluate(in.worker().attributes(), in.state().name()).grants());
            List<StandingGrant> standing = grants.active(in.identity(), now);
            // Taken away at a certification although policy grants them, until the position changes (a
            // move, a conversion or a rehire ends them): left out of what policy grants, not of grants.
            boolean newPosition = in.kind() == TransitionKind.MOVER || in.kind() == TransitionKind.CONVERSION
                || in.kind() == TransitionKind.REHIRE;
            Set<String> excluded = new java.util.HashSet<>();
            standing.stream().filter(StandingGrant::exclusion).filter(x -> !newPosition)
                .forEach(x -> excluded.add(x.target() + "\u0000" + x.entitlement()));
            granted.removeIf(g -> g.entitlement() != null && excluded.contains(g.target() + "\u0000" + g.entitlement()));
            for (StandingGrant g : standing) {
                if (!g.exclusion()) {
                    granted.add(new Grant(g.target(), g.entitlement(), g.kind().toLowerCase(java.util.Locale.ROOT) + " "
                        + g.id()));
                }
            }
        }
        Map<String, Map<String, String>> byTarget = new TreeMap<>();
        for (Grant g : granted) {
            Map<String, String> ents = byTarget.computeIfAbsent(g.target(), k -> new TreeMap<>());
            if (g.entitlement() != null) {
                ents.merge(g.entitlement(), g.rule(), (a, b) -> a.equals(b) ? a : a + ", " + b);
            }
        }
        // A new identity has no account anywhere yet: nothing to read back.
        List<AccountSnapshot> known = in.isNew() ? List.of() : accounts.forIdentity(in.identity());
        boolean mover = in.kind() == TransitionKind.MOVER || in.kind() == TransitionKind.CONVERSION;
        if (mover && holdsAccess) {
            for (AccountSnapshot k : known) {
                Map<String, String> ents = byTarget.get(k.target());
                for (String e : k.entitlements()) {
                    if (ents != null && ents.containsKey(e)) {
                        continue;
                    }
                    if (p.privileged(k.target(), e)) {
                        // Suspended: removed now, restored if its owner approves before the deadline.
                        if (effects) {
                            grants.reviewAfterMove(in.identity(), k.target(), e, p.owner(k.target(), e),
                                now.plus(p.privilegedReviewDeadline()), in.correlationId());
                        }
                    } else if (p.followsPerson(k.target(), e) && ents != null) {
                        ents.put(e, "follows the person");
                        if (effects) {
                            grants.keptOnMove(in.identity(), k.target(), e, in.correlationId());
                        }
                    }
                }
            }
        }
        Map<String, Conflict> conflicts = effects ? withholdConflicts(in, p, byTarget, known, now) : Map.of();
        List<Planner.Desired> desired = new ArrayList<>();
        Map<String, String> attrs = accountAttributes(in.worker());
        LeaveMode leave = in.state() == LifecycleState.ON_LEAVE ? p.leaveMode(in.worker().workerType().wire())
            : LeaveMode.KEEP;
        byTarget.forEach((target, ents) -> {
            Map<String, String> kept = switch (leave) {
                case KEEP, SUSPEND -> ents;
                case DISABLE -> Map.of();
                case KEEP_SOME -> ents.entrySet().stream().filter(e -> p.keptOnLeave(target, e.getKey()))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            };
            boolean enabled = leave == LeaveMode.KEEP || leave == LeaveMode.KEEP_SOME;
            desired.add(new Planner.Desired(target, enabled, attrs, kept));
        });
        String context = in.state() == LifecycleState.ON_LEAVE && leave != LeaveMode.KEEP
            ? in.context() + " (leave of absence: " + leave.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")"
            : in.context();
        // Whatever takes access from someone who has left is a revocation, whoever found it (a leaver's
        // HR change, or reconciliation finding an account re-enabled by hand): it takes the priority lane.
        boolean revocation = in.kind() == TransitionKind.LEAVER || in.state() == LifecycleState.TERMINATED;
        Plan plan = Planner.plan(in.identity(), desired, known, context, revocation,
            in.delete(), in.correlationId(), in.receivedAt(), now, p.version(), in.source());
        return new Computed(plan, holdsAccess ? describe(granted) : null, conflicts, desired);
    }

    /**
     * Finds the segregation-of-duties rules the desired access would break and takes out of it the
     * entitlements the identity does not hold yet: those go to a hold for an admin, the rest of the
     * plan (revocations included) goes on. A conflict the identity already holds is reported only.
     */
    private Map<String, Conflict> withholdConflicts(Input in, Policy p, Map<String, Map<String, String>> byTarget,
                                                    List<AccountSnapshot> known, Instant now) {
        List<String> desired = new ArrayList<>();
        byTarget.forEach((t, ents) -> ents.keySet().forEach(e -> desired.add(t + ":" + e)));
        Map<String, Set<String>> broken = p.conflicts(desired);
        if (broken.isEmpty()) {
            return Map.of();
        }
        Set<String> held = new TreeSet<>();
        known.forEach(k -> k.entitlements().forEach(e -> held.add(k.target() + ":" + e)));
        Map<String, List<Operation>> withheld = new TreeMap<>();
        Map<String, List<String>> reasons = new TreeMap<>();
        broken.forEach((name, entitlements) -> {
            List<String> fresh = entitlements.stream().filter(te -> !held.contains(te)).toList();
            String reason = "segregation of duties '" + name + "': " + String.join(" and ", entitlements);
            if (fresh.isEmpty()) {
                audit.append(new AuditEntry(in.identity(), "SOD_CONFLICT", AuditEntry.Stage.DECISION, "roster", null,
                    reason + " are already held together", in.correlationId()));
                return;
            }
            for (String te : fresh) {
                String target = te.substring(0, te.indexOf(':'));
                String e = te.substring(te.indexOf(':') + 1);
                Map<String, String> ents = byTarget.get(target);
                if (ents != null && ents.remove(e) != null) {
                    withheld.computeIfAbsent(target, k -> new ArrayList<>()).add(new Operation(target, in.identity(),
                        OperationKind.ADD_ENTITLEMENT, Map.of(), e, in.context() + ": " + reason
                            + " (held for an admin)", false));
                    reasons.computeIfAbsent(target, k -> new ArrayList<>()).add(reason);
                }
            }
        });
        Map<String, Conflict> conflicts = new LinkedHashMap<>();
        withheld.forEach((target, ops) -> conflicts.put(target, new Conflict(
            new Plan(in.identity(), in.correlationId(), in.receivedAt(), now, p.version(), ops, in.source()),
            in.identity() + ": " + String.join("; ", new TreeSet<>(reasons.get(target))))));
        return conflicts;
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

    private static List<String> describe(List<Grant> grants) {
        if (grants.isEmpty()) {
            return List.of("nothing");
        }
        return grants.stream()
            .map(g -> g.target() + (g.entitlement() == null ? " account" : ":" + g.entitlement())
                + (g.rule().contains(" ") ? " (" + g.rule() + ")" : " (rule '" + g.rule() + "')"))
            .toList();
    }
}
