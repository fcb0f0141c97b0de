package org.roster.reconcile;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.roster.lifecycle.Identity;
import org.roster.lifecycle.Lifecycle;
import org.roster.lifecycle.LifecycleState;
import org.roster.plan.AccountSnapshot;
import org.roster.plan.Planner;
import org.roster.plan.PlanningStage;
import org.roster.provisioning.ListOp;
import org.roster.provisioning.Provisioning;
import org.roster.reconcile.ReconcileSettings.Mode;
import org.roster.reconcile.internal.FindingRepository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One reconciliation run's comparison: each account read from the target against what HR and policy
 * say it should hold, then who should have an account and has none. Each difference becomes a
 * finding, OPEN, ACCEPTED (someone accepted that drift) or, in mend mode, MENDED once the identity
 * was planned again from what was read. Not thread-safe: one pass per run, fed in the listing's order.
 */
final class DriftPass {

    private final String runId;
    /** Throws when another instance took the target's reconciliation over (cluster mode): the run mends nothing more. */
    private final Runnable stillThisRun;
    private final String target;
    private final Mode mode;
    private final Set<String> comparedAttributes;
    private final Provisioning provisioning;
    private final PlanningStage planning;
    private final Lifecycle lifecycle;
    private final FindingRepository findings;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final int pageSize;
    /** Identities with an account on the target: the others may be missing one. */
    private final Set<String> seen = new HashSet<>();
    private long accounts;
    private long found;
    private long mended;
    private long held;
    private long skipped;

    DriftPass(String runId, String target, Mode mode, Set<String> comparedAttributes, Provisioning provisioning,
              PlanningStage planning, Lifecycle lifecycle, FindingRepository findings, TransactionTemplate tx, Clock clock,
              int pageSize, Runnable stillThisRun) {
        this.stillThisRun = stillThisRun;
        this.runId = runId;
        this.target = target;
        this.mode = mode;
        this.comparedAttributes = Set.copyOf(comparedAttributes);
        this.provisioning = provisioning;
        this.planning = planning;
        this.lifecycle = lifecycle;
        this.findings = findings;
        this.tx = tx;
        this.clock = clock;
        this.pageSize = pageSize;
    }

    /** Accounts read so far. */
    long accounts() {
        return accounts;
    }

    long found() {
        return found;
    }

    long mended() {
        return mended;
    }

    /** Accounts whose mend the safety guard (or segregation of duties) held. */
    long held() {
        return held;
    }

    /** Accounts with operations on their way, not compared. */
    long skipped() {
        return skipped;
    }

    /** A finding before it is stored: its status depends on acceptance and on mend. */
    private record Draft(Finding.Kind kind, @Nullable String item, String detail) {
    }

    /** Compares one account read from the target; in mend mode, plans its identity again if it drifted. */
    void account(ListOp.ListedAccount account) {
        accounts++;
        String identity = account.identity();
        Optional<Identity> known = identity == null ? Optional.empty() : lifecycle.find(identity);
        if (known.isEmpty()) {
            Draft orphan = new Draft(Finding.Kind.ORPHAN_ACCOUNT, null, (account.enabled() ? "enabled" : "disabled")
                + " account " + account.key() + " that no identity in Roster owns"
                + (identity == null ? "" : " (employee number " + identity + " is unknown)"));
            record(identity, account.key(), List.of(orphan), acceptances(target, account.key(), List.of(orphan)), null);
            return;
        }
        seen.add(identity);
        Optional<Planner.Desired> desired = desiredOn(identity, target);
        List<Draft> drafts = drifts(known.get(), account, desired);
        if (drafts.isEmpty()) {
            return;
        }
        if (provisioning.inFlight(target, identity)) {
            skipped++;
            return;
        }
        Map<Draft, String> accepted = acceptances(target, identity, drafts);
        record(identity, account.key(), drafts, accepted,
            mode == Mode.MEND && accepted.size() < drafts.size() ? observed(identity, account, desired, accepted) : null);
    }

    private List<Draft> drifts(Identity identity, ListOp.ListedAccount account,
                               Optional<Planner.Desired> desired) {
        List<Draft> drafts = new ArrayList<>();
        boolean access = desired.isPresent() && desired.get().enabled();
        if (!access && account.enabled()) {
            drafts.add(new Draft(Finding.Kind.ENABLED_WITHOUT_ACCESS, null, "account is enabled but "
                + identity.employeeNumber() + " should have no access on '" + target + "' (" + identity.state() + ")"));
        } else if (access && !account.enabled()) {
            drafts.add(new Draft(Finding.Kind.DISABLED_ACCOUNT, null, "account is disabled but "
                + identity.employeeNumber() + " should have access on '" + target + "'"));
        }
        Map<String, String> wanted = desired.map(Planner.Desired::entitlements).orElse(Map.of());
        for (String e : new TreeSet<>(account.entitlements())) {
            if (!wanted.containsKey(e)) {
                drafts.add(new Draft(Finding.Kind.EXTRA_ENTITLEMENT, e, "holds '" + e + "', which nothing grants"));
            }
        }
        if (access) {
            for (String e : new TreeSet<>(wanted.keySet())) {
                if (!account.entitlements().contains(e)) {
                    drafts.add(new Draft(Finding.Kind.MISSING_ENTITLEMENT, e, "lacks '" + e + "', granted by "
                        + wanted.get(e)));
                }
            }
            new java.util.TreeMap<>(desired.get().attributes()).forEach((name, value) -> {
                String actual = account.attributes().get(name);
                if (comparedAttributes.contains(name) && !sameValue(name, value, actual)) {
                    drafts.add(new Draft(Finding.Kind.ATTRIBUTE_DRIFT, name, name + " is "
                        + (actual == null ? "empty" : "'" + actual + "'") + " on '" + target + "', HR says '" + value
                        + "'"));
                }
            });
        }
        return drafts;
    }

    /** E-mail addresses are compared without case (Keycloak and LDAP keep them so). */
    private static boolean sameValue(String name, String wanted, @Nullable String actual) {
        return name.equals("email") ? wanted.equalsIgnoreCase(actual) : wanted.equals(actual);
    }

    /** The drafts someone accepted as exceptions, with the acceptance's note. */
    private Map<Draft, String> acceptances(String target, @Nullable String subject, List<Draft> drafts) {
        Map<Draft, String> accepted = new LinkedHashMap<>();
        if (subject == null) {
            return accepted;
        }
        Instant now = clock.instant();
        for (Draft d : drafts) {
            findings.accepted(target, d.kind(), subject, d.item(), now).ifPresent(note -> accepted.put(d, note));
        }
        return accepted;
    }

    /**
     * The account as read, as Roster should believe it before planning again, with accepted drift
     * made to look as desired so that the plan leaves it alone.
     */
    private AccountSnapshot observed(String identity, ListOp.ListedAccount account,
                                     Optional<Planner.Desired> desired, Map<Draft, String> accepted) {
        Optional<AccountSnapshot> believed = provisioning.acknowledgedAccounts(identity).stream()
            .filter(a -> a.target().equals(target)).findFirst();
        boolean enabled = account.enabled();
        Set<String> entitlements = new TreeSet<>(account.entitlements());
        Map<String, String> attributes = new LinkedHashMap<>(believed.map(AccountSnapshot::attributes).orElse(Map.of()));
        for (String name : comparedAttributes) {
            String read = account.attributes().get(name);
            if (read == null) {
                attributes.remove(name);
            } else {
                attributes.put(name, read);
            }
        }
        for (Draft d : accepted.keySet()) {
            switch (d.kind()) {
                case ENABLED_WITHOUT_ACCESS, DISABLED_ACCOUNT -> enabled = !enabled;
                case EXTRA_ENTITLEMENT -> entitlements.remove(d.item());
                case MISSING_ENTITLEMENT -> entitlements.add(d.item());
                case ATTRIBUTE_DRIFT -> desired.map(x -> x.attributes().get(d.item()))
                    .ifPresent(v -> attributes.put(d.item(), v));
                default -> {
                }
            }
        }
        return new AccountSnapshot(target, identity, enabled, attributes, entitlements);
    }

    /** Who should have an account on the target and has none. */
    void missingAccounts() {
        // after every account was read: only then is an identity not seen one that has none
        for (LifecycleState state : List.of(LifecycleState.ACTIVE, LifecycleState.ON_LEAVE)) {
            String after = "";
            while (true) {
                List<Identity> page = lifecycle.listAfter(state, after, pageSize);
                for (Identity id : page) {
                    String identity = id.employeeNumber();
                    if (seen.contains(identity)
                        || desiredOn(identity, target).filter(Planner.Desired::enabled).isEmpty()) {
                        continue;
                    }
                    if (provisioning.inFlight(target, identity)) {
                        skipped++;
                        continue;
                    }
                    List<Draft> drafts = List.of(new Draft(Finding.Kind.MISSING_ACCOUNT, null,
                        "should have an account on '" + target + "' and has none"));
                    Map<Draft, String> accepted = acceptances(target, identity, drafts);
                    record(identity, null, drafts, accepted, null);
                }
                if (page.size() < pageSize) {
                    break;
                }
                after = page.get(page.size() - 1).employeeNumber();
            }
        }
    }

    /**
     * Stores an account's findings; in mend mode first plans the identity again from what was read
     * ({@code observed}; null for a missing account, which Roster then creates).
     */
    private void record(@Nullable String identity, @Nullable String accountKey, List<Draft> drafts,
                        Map<Draft, String> accepted, @Nullable AccountSnapshot observed) {
        boolean mend = mode == Mode.MEND && identity != null && accepted.size() < drafts.size()
            && drafts.get(0).kind() != Finding.Kind.ORPHAN_ACCOUNT;
        Finding.Status open = Finding.Status.OPEN;
        String note = null;
        if (mend) {
            PlanningStage.Replanned r = mend(identity, observed, drafts, accepted);
            if (r.planned() == 0) {
                note = "mend: nothing Roster can send changes this (the connector does not write it)";
            } else if (r.sent() == r.planned()) {
                open = Finding.Status.MENDED;
                note = "mend: " + r.sent() + " operation(s) planned as source 'reconcile'";
            } else {
                held++;
                note = "mend: " + (r.planned() - r.sent()) + " of " + r.planned()
                    + " operation(s) held (safety guard or segregation of duties); open until an admin decides";
            }
        }
        Instant now = clock.instant();
        for (Draft d : drafts) {
            String accepting = accepted.get(d);
            Finding.Status status = accepting != null ? Finding.Status.ACCEPTED : open;
            findings.add(new Finding(FindingRepository.newId(), runId, target, identity, accountKey, d.kind(), d.item(),
                d.detail(), status, accepting != null ? accepting : note, now));
            found++;
            if (status == Finding.Status.MENDED) {
                mended++;
            }
        }
    }

    private PlanningStage.Replanned mend(String identity, @Nullable AccountSnapshot observed,
                                         List<Draft> drafts, Map<Draft, String> accepted) {
        String kinds = drafts.stream().filter(d -> !accepted.containsKey(d)).map(d -> d.kind().name()).distinct()
            .collect(Collectors.joining(", "));
        PlanningStage.Replanned r = tx.execute(s -> {
            stillThisRun.run(); // in cluster mode, the target is still this run's until the mend commits
            lifecycle.lock(identity);
            if (provisioning.inFlight(target, identity)) {
                return new PlanningStage.Replanned(0, 0); // changed since it was read: the next run looks again
            }
            provisioning.adopt(target, identity, observed);
            return planning.replan(identity, "RECONCILE (" + kinds + " on '" + target + "')", "reconcile-" + runId,
                "reconcile").orElse(new PlanningStage.Replanned(0, 0));
        });
        return r == null ? new PlanningStage.Replanned(0, 0) : r;
    }

    private Optional<Planner.Desired> desiredOn(String identity, String target) {
        return planning.desired(identity).flatMap(list -> list.stream().filter(d -> d.target().equals(target)).findFirst());
    }
}
