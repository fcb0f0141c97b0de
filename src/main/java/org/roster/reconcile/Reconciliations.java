package org.roster.reconcile;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.lifecycle.Identity;
import org.roster.lifecycle.Lifecycle;
import org.roster.lifecycle.LifecycleState;
import org.roster.plan.AccountSnapshot;
import org.roster.plan.Planner;
import org.roster.plan.PlanningStage;
import org.roster.provisioning.ConnectorException;
import org.roster.provisioning.ListOp;
import org.roster.provisioning.Provisioning;
import org.roster.reconcile.ReconcileSettings.Mode;
import org.roster.reconcile.internal.FindingRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads a target back, every account page by page, and compares it with what HR and policy say it
 * should hold (the planner's desired state, exceptions and grants included): orphan accounts,
 * enabled accounts of people who should have nothing there, disabled and missing accounts, extra
 * and missing entitlements, attribute drift. Each is a finding with a status.
 *
 * <p>In mend mode, the drift of a known identity is handed to the normal pipeline: what Roster
 * believes the account holds is replaced with what was read, and the identity is planned again as
 * source {@code reconcile}, so the safety guard, segregation of duties and the audit trail apply as
 * for any other change. Orphans are never touched (nobody in HR owns them: a person decides).
 * Accounts with operations on their way are skipped (their state is moving, not drifting).
 */
@Service
public class Reconciliations {

    private static final Logger log = LoggerFactory.getLogger(Reconciliations.class);

    private final Provisioning provisioning;
    private final PlanningStage planning;
    private final Lifecycle lifecycle;
    private final FindingRepository findings;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ReconcileSettings settings;
    private final Map<String, String> running = new ConcurrentHashMap<>();
    private final ExecutorService workers;

    public Reconciliations(Provisioning provisioning, PlanningStage planning, Lifecycle lifecycle,
                           FindingRepository findings, AuditLog audit, TransactionTemplate tx, Clock clock,
                           ReconcileSettings settings) {
        Set<String> unknown = new TreeSet<>(settings.targets().keySet());
        unknown.removeAll(provisioning.targets());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("roster.reconcile.targets names unknown target(s) " + unknown
                + "; configured: " + new TreeSet<>(provisioning.targets()));
        }
        this.provisioning = provisioning;
        this.planning = planning;
        this.lifecycle = lifecycle;
        this.findings = findings;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.settings = settings;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "reconcile-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        int abandoned = findings.abandonRunning(clock.instant());
        if (abandoned > 0) {
            log.warn("{} reconciliation run(s) were left unfinished by a previous stop; marked FAILED", abandoned);
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        workers.shutdownNow();
    }

    /**
     * Starts reconciling a target in the background and returns at once; follow it with {@link #run(String)}.
     *
     * @param mode null for the target's configured mode
     * @throws ReconcileException for an unknown target, or when the target is being reconciled already
     */
    public ReconcileRun start(String target, @Nullable Mode mode, String actor) {
        String id = begin(target, mode, actor);
        workers.submit(() -> execute(id, target, mode == null ? settings.mode(target) : mode, actor));
        return findings.run(id).orElseThrow();
    }

    /** Reconciles a target now, in the caller's thread, and returns the finished run. */
    public ReconcileRun reconcile(String target, @Nullable Mode mode, String actor) {
        String id = begin(target, mode, actor);
        execute(id, target, mode == null ? settings.mode(target) : mode, actor);
        return run(id).orElseThrow();
    }

    /** A run with its findings counted by kind and status. */
    public Optional<ReconcileRun> run(String id) {
        return findings.run(id).map(r -> r.withCounts(findings.countsByKindAndStatus(id)));
    }

    /** Runs, newest first. */
    public List<ReconcileRun> runs(@Nullable String target, int limit) {
        return findings.runs(target, limit);
    }

    /** A run's findings, a page at a time: pass the last id of a page as {@code after} for the next. */
    public List<Finding> findings(String runId, Finding.@Nullable Kind kind, Finding.@Nullable Status status,
                                  @Nullable String after, int limit) {
        return findings.forRun(runId, kind, status, after == null ? "" : after, limit);
    }

    public Optional<Finding> finding(String id) {
        return findings.finding(id);
    }

    /**
     * Accepts a finding's drift as an exception until a date: later runs report the same drift
     * (same target, kind, identity or orphan account, and entitlement or attribute) as ACCEPTED, and
     * mend leaves it as it is. Audited with who accepted it and why.
     */
    public Finding accept(String findingId, String actor, @Nullable String reason, @Nullable Instant expiresAt) {
        Finding f = findings.finding(findingId)
            .orElseThrow(() -> new ReconcileException(ReconcileException.Why.NOT_FOUND, "id", "no finding " + findingId));
        Instant now = clock.instant();
        if (reason == null || reason.isBlank()) {
            throw new ReconcileException(ReconcileException.Why.INVALID, "reason", "say why the drift is acceptable");
        }
        if (reason.length() > 1000) {
            throw new ReconcileException(ReconcileException.Why.INVALID, "reason", "at most 1000 characters, was "
                + reason.length());
        }
        if (expiresAt == null || !expiresAt.isAfter(now)) {
            throw new ReconcileException(ReconcileException.Why.INVALID, "expiresAt", "an acceptance needs an end in the future");
        }
        if (expiresAt.isAfter(now.plus(settings.maxAcceptance()))) {
            throw new ReconcileException(ReconcileException.Why.INVALID, "expiresAt", "at most "
                + settings.maxAcceptance().toDays() + " days ahead (roster.reconcile.max-acceptance)");
        }
        if (f.status() == Finding.Status.MENDED) {
            throw new ReconcileException(ReconcileException.Why.CONFLICT, "status", "finding " + findingId
                + " was mended already");
        }
        String note = FindingRepository.acceptanceNote(actor, reason.strip(), expiresAt);
        tx.executeWithoutResult(s -> {
            findings.accept(f, f.subject(), actor, reason.strip(), now, expiresAt);
            findings.setStatus(f.id(), Finding.Status.ACCEPTED, note);
            audit.append(new AuditEntry(f.kind() == Finding.Kind.ORPHAN_ACCOUNT ? null : f.identity(), "DRIFT_ACCEPTED",
                AuditEntry.Stage.DECISION, actor, f.target(), f.kind() + " " + f.detail() + "; " + note,
                "reconcile-" + f.runId()));
        });
        return findings.finding(findingId).orElseThrow();
    }

    /** Runs, findings and accepted drift of a period, for the compliance report. */
    public DriftSummary between(Instant from, Instant to) {
        return new DriftSummary(findings.runsBetween(from, to), findings.countsBetween(from, to),
            findings.latestCountsBetween(from, to), findings.acceptancesAt(to.isAfter(clock.instant()) ? clock.instant() : to));
    }

    /** Targets being reconciled now, with their run ids. */
    public Map<String, String> running() {
        return Map.copyOf(running);
    }

    private String begin(String target, @Nullable Mode mode, String actor) {
        if (!provisioning.targets().contains(target)) {
            throw new ReconcileException(ReconcileException.Why.INVALID, "target", "no target '" + target
                + "'; configured: " + new TreeSet<>(provisioning.targets()));
        }
        Mode m = mode == null ? settings.mode(target) : mode;
        synchronized (running) {
            String current = running.get(target);
            if (current != null) {
                throw new ReconcileException(ReconcileException.Why.CONFLICT, "target", "'" + target
                    + "' is being reconciled by run " + current);
            }
            String id = findings.startRun(target, m.name(), actor, clock.instant());
            running.put(target, id);
            return id;
        }
    }

    /** One run's counters, written to its row every page. */
    private static final class Progress {
        final String runId;
        final String target;
        final Mode mode;
        final Set<String> comparedAttributes;
        final Set<String> seen = new HashSet<>();
        long accounts;
        long found;
        long mended;
        long held;
        long skipped;

        Progress(String runId, String target, Mode mode, Set<String> comparedAttributes) {
            this.runId = runId;
            this.target = target;
            this.mode = mode;
            this.comparedAttributes = comparedAttributes;
        }
    }

    private void execute(String runId, String target, Mode mode, String actor) {
        Progress p = new Progress(runId, target, mode, provisioning.comparedAttributes(target));
        String error = null;
        long started = System.nanoTime();
        try {
            provisioning.listAccounts(target, settings.pageSize(), account -> {
                compare(p, account);
                if (++p.accounts % settings.pageSize() == 0) {
                    findings.progress(runId, p.accounts, p.found, p.mended);
                }
            });
            missingAccounts(p);
        } catch (ConnectorException e) {
            error = e.getMessage();
        } catch (RuntimeException e) {
            log.error("reconciliation {} of '{}' failed", runId, target, e);
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        } finally {
            running.remove(target, runId);
        }
        findings.finishRun(runId, p.accounts, p.found, p.mended, error, clock.instant());
        String summary = "reconciliation " + runId + " of '" + target + "' (" + mode.name().toLowerCase(Locale.ROOT)
            + "): " + p.accounts + " account(s) read, " + p.found + " finding(s)"
            + (mode == Mode.MEND ? ", " + p.mended + " mended, " + p.held + " held by the safety guard" : "")
            + (p.skipped == 0 ? "" : ", " + p.skipped + " with operations on their way skipped")
            + (error == null ? "" : "; stopped: " + error);
        tx.executeWithoutResult(s -> audit.append(new AuditEntry(null, "RECONCILED", AuditEntry.Stage.DECISION, actor,
            target, summary, "reconcile-" + runId)));
        log.info("{} in {} ms", summary, (System.nanoTime() - started) / 1_000_000);
    }

    /** A finding before it is stored: its status depends on acceptance and on mend. */
    private record Draft(Finding.Kind kind, @Nullable String item, String detail) {
    }

    private void compare(Progress p, ListOp.ListedAccount account) {
        String identity = account.identity();
        Optional<Identity> known = identity == null ? Optional.empty() : lifecycle.find(identity);
        if (known.isEmpty()) {
            Draft orphan = new Draft(Finding.Kind.ORPHAN_ACCOUNT, null, (account.enabled() ? "enabled" : "disabled")
                + " account " + account.key() + " that no identity in Roster owns"
                + (identity == null ? "" : " (employee number " + identity + " is unknown)"));
            record(p, identity, account.key(), List.of(orphan), acceptances(p.target, account.key(), List.of(orphan)), null);
            return;
        }
        p.seen.add(identity);
        Optional<Planner.Desired> desired = desiredOn(identity, p.target);
        List<Draft> drafts = drifts(p, known.get(), account, desired);
        if (drafts.isEmpty()) {
            return;
        }
        if (provisioning.inFlight(p.target, identity)) {
            p.skipped++;
            return;
        }
        Map<Draft, String> accepted = acceptances(p.target, identity, drafts);
        record(p, identity, account.key(), drafts, accepted,
            p.mode == Mode.MEND && accepted.size() < drafts.size() ? observed(p, identity, account, desired, accepted) : null);
    }

    private List<Draft> drifts(Progress p, Identity identity, ListOp.ListedAccount account,
                               Optional<Planner.Desired> desired) {
        List<Draft> drafts = new ArrayList<>();
        boolean access = desired.isPresent() && desired.get().enabled();
        if (!access && account.enabled()) {
            drafts.add(new Draft(Finding.Kind.ENABLED_WITHOUT_ACCESS, null, "account is enabled but "
                + identity.employeeNumber() + " should have no access on '" + p.target + "' (" + identity.state() + ")"));
        } else if (access && !account.enabled()) {
            drafts.add(new Draft(Finding.Kind.DISABLED_ACCOUNT, null, "account is disabled but "
                + identity.employeeNumber() + " should have access on '" + p.target + "'"));
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
                if (p.comparedAttributes.contains(name) && !sameValue(name, value, actual)) {
                    drafts.add(new Draft(Finding.Kind.ATTRIBUTE_DRIFT, name, name + " is "
                        + (actual == null ? "empty" : "'" + actual + "'") + " on '" + p.target + "', HR says '" + value
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
    private AccountSnapshot observed(Progress p, String identity, ListOp.ListedAccount account,
                                     Optional<Planner.Desired> desired, Map<Draft, String> accepted) {
        Optional<AccountSnapshot> believed = provisioning.acknowledgedAccounts(identity).stream()
            .filter(a -> a.target().equals(p.target)).findFirst();
        boolean enabled = account.enabled();
        Set<String> entitlements = new TreeSet<>(account.entitlements());
        Map<String, String> attributes = new LinkedHashMap<>(believed.map(AccountSnapshot::attributes).orElse(Map.of()));
        for (String name : p.comparedAttributes) {
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
        return new AccountSnapshot(p.target, identity, enabled, attributes, entitlements);
    }

    /** Who should have an account on the target and has none. */
    private void missingAccounts(Progress p) {
        for (LifecycleState state : List.of(LifecycleState.ACTIVE, LifecycleState.ON_LEAVE)) {
            String after = "";
            while (true) {
                List<Identity> page = lifecycle.listAfter(state, after, settings.pageSize());
                for (Identity id : page) {
                    String identity = id.employeeNumber();
                    if (p.seen.contains(identity)
                        || desiredOn(identity, p.target).filter(Planner.Desired::enabled).isEmpty()) {
                        continue;
                    }
                    if (provisioning.inFlight(p.target, identity)) {
                        p.skipped++;
                        continue;
                    }
                    List<Draft> drafts = List.of(new Draft(Finding.Kind.MISSING_ACCOUNT, null,
                        "should have an account on '" + p.target + "' and has none"));
                    Map<Draft, String> accepted = acceptances(p.target, identity, drafts);
                    record(p, identity, null, drafts, accepted, null);
                }
                if (page.size() < settings.pageSize()) {
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
    private void record(Progress p, @Nullable String identity, @Nullable String accountKey, List<Draft> drafts,
                        Map<Draft, String> accepted, @Nullable AccountSnapshot observed) {
        boolean mend = p.mode == Mode.MEND && identity != null && accepted.size() < drafts.size()
            && drafts.get(0).kind() != Finding.Kind.ORPHAN_ACCOUNT;
        Finding.Status open = Finding.Status.OPEN;
        String note = null;
        if (mend) {
            PlanningStage.Replanned r = mend(p, identity, observed, drafts, accepted);
            if (r.planned() == 0) {
                note = "mend: nothing Roster can send changes this (the connector does not write it)";
            } else if (r.sent() == r.planned()) {
                open = Finding.Status.MENDED;
                note = "mend: " + r.sent() + " operation(s) planned as source 'reconcile'";
            } else {
                p.held++;
                note = "mend: " + (r.planned() - r.sent()) + " of " + r.planned()
                    + " operation(s) held (safety guard or segregation of duties); open until an admin decides";
            }
        }
        Instant now = clock.instant();
        for (Draft d : drafts) {
            String accepting = accepted.get(d);
            Finding.Status status = accepting != null ? Finding.Status.ACCEPTED : open;
            findings.add(new Finding(FindingRepository.newId(), p.runId, p.target, identity, accountKey, d.kind(), d.item(),
                d.detail(), status, accepting != null ? accepting : note, now));
            p.found++;
            if (status == Finding.Status.MENDED) {
                p.mended++;
            }
        }
    }

    private PlanningStage.Replanned mend(Progress p, String identity, @Nullable AccountSnapshot observed,
                                         List<Draft> drafts, Map<Draft, String> accepted) {
        String kinds = drafts.stream().filter(d -> !accepted.containsKey(d)).map(d -> d.kind().name()).distinct()
            .collect(Collectors.joining(", "));
        PlanningStage.Replanned r = tx.execute(s -> {
            lifecycle.lock(identity);
            if (provisioning.inFlight(p.target, identity)) {
                return new PlanningStage.Replanned(0, 0); // changed since it was read: the next run looks again
            }
            provisioning.adopt(p.target, identity, observed);
            return planning.replan(identity, "RECONCILE (" + kinds + " on '" + p.target + "')", "reconcile-" + p.runId,
                "reconcile").orElse(new PlanningStage.Replanned(0, 0));
        });
        return r == null ? new PlanningStage.Replanned(0, 0) : r;
    }

    private Optional<Planner.Desired> desiredOn(String identity, String target) {
        return planning.desired(identity).flatMap(list -> list.stream().filter(d -> d.target().equals(target)).findFirst());
    }
}
