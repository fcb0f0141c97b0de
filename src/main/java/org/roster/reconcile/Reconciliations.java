package org.roster.reconcile;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.lifecycle.Lifecycle;
import org.roster.plan.PlanningStage;
import org.roster.provisioning.ConnectorException;
import org.roster.provisioning.Provisioning;
import org.roster.reconcile.ReconcileSettings.Mode;
import org.roster.reconcile.internal.FindingRepository;
import org.roster.runtime.ExclusiveRuns;
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
    /** Held while a run is started: its hold taken, a stopped run it replaces abandoned, its record written. */
    private final Object starting = new Object();
    /** A target is reconciled by one run at a time across instances: {@code reconcile:<target>}. */
    private static final String EXCLUSIVE = "reconcile:";
    private final ExclusiveRuns exclusive;
    private final ExecutorService workers;

    public Reconciliations(Provisioning provisioning, PlanningStage planning, Lifecycle lifecycle,
                           FindingRepository findings, AuditLog audit, TransactionTemplate tx, Clock clock,
                           ReconcileSettings settings, ExclusiveRuns exclusive) {
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
        this.exclusive = exclusive;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "reconcile-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // in cluster mode another instance's run goes on: only those nobody renews are over
        int abandoned = findings.abandonRunningExcept(exclusive.alive(EXCLUSIVE), clock.instant());
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
        ExclusiveRuns.Held held = begin(target, mode, actor);
        workers.submit(() -> execute(held, target, mode == null ? settings.mode(target) : mode, actor));
        return findings.run(held.runId()).orElseThrow();
    }

    /** Reconciles a target now, in the caller's thread, and returns the finished run. */
    public ReconcileRun reconcile(String target, @Nullable Mode mode, String actor) {
        ExclusiveRuns.Held held = begin(target, mode, actor);
        execute(held, target, mode == null ? settings.mode(target) : mode, actor);
        return run(held.runId()).orElseThrow();
    }

    /** A run with its findings counted by kind and status. */
    public Optional<ReconcileRun> run(String id) {
        return findings.run(id).map(r -> r.withCounts(findings.countsByKindAndStatus(id)));
    }

    /** Whether there is such a run (without counting its findings). */
    public boolean exists(String id) {
        return findings.run(id).isPresent();
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

    /** Targets being reconciled now, on this instance or (cluster mode) another, with their run ids. */
    public Map<String, String> running() {
        Map<String, String> byTarget = new java.util.TreeMap<>();
        exclusive.running(EXCLUSIVE).forEach((name, run) -> byTarget.put(name.substring(EXCLUSIVE.length()), run));
        return byTarget;
    }

    private ExclusiveRuns.Held begin(String target, @Nullable Mode mode, String actor) {
        if (!provisioning.targets().contains(target)) {
            throw new ReconcileException(ReconcileException.Why.INVALID, "target", "no target '" + target
                + "'; configured: " + new TreeSet<>(provisioning.targets()));
        }
        Mode m = mode == null ? settings.mode(target) : mode;
        String id = java.util.UUID.randomUUID().toString();
        synchronized (starting) {
            ExclusiveRuns.Held held;
            try {
                held = exclusive.begin(EXCLUSIVE + target, id, actor);
            } catch (ExclusiveRuns.Busy e) {
                ExclusiveRuns.Holder h = e.holder();
                throw new ReconcileException(ReconcileException.Why.CONFLICT, "target", "'" + target
                    + "' is being reconciled by run " + h.runId() + " (asked by " + h.actor() + ", " + e.describe() + ")");
            }
            try {
                held.replaced().ifPresent(stopped -> findings.abandon(stopped.runId(), "Roster stopped during the run ("
                    + stopped.instance() + ", last seen " + stopped.aliveAt() + ")", clock.instant()));
                findings.startRun(id, target, m.name(), actor, clock.instant());
            } catch (RuntimeException e) {
                held.close();
                throw e;
            }
            return held;
        }
    }

    private void execute(ExclusiveRuns.Held held, String target, Mode mode, String actor) {
        String runId = held.runId();
        DriftPass p = new DriftPass(runId, target, mode, provisioning.comparedAttributes(target), provisioning, planning,
            lifecycle, findings, tx, clock, settings.pageSize(), held::check);
        String error = null;
        long started = System.nanoTime();
        try {
            provisioning.listAccounts(target, settings.pageSize(), account -> {
                p.account(account);
                if (p.accounts() % settings.pageSize() == 0) {
                    findings.progress(runId, p.accounts(), p.found(), p.mended());
                }
            });
            p.missingAccounts();
        } catch (ConnectorException e) {
            error = e.getMessage();
        } catch (ExclusiveRuns.Lost e) {
            log.warn("reconciliation {} of '{}' stopped: {}", runId, target, e.getMessage());
            error = e.getMessage();
        } catch (RuntimeException e) {
            log.error("reconciliation {} of '{}' failed", runId, target, e);
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        } finally {
            held.close();
        }
        findings.finishRun(runId, p.accounts(), p.found(), p.mended(), error, clock.instant());
        String summary = "reconciliation " + runId + " of '" + target + "' (" + mode.name().toLowerCase(Locale.ROOT)
            + "): " + p.accounts() + " account(s) read, " + p.found() + " finding(s)"
            + (mode == Mode.MEND ? ", " + p.mended() + " mended, " + p.held() + " held by the safety guard" : "")
            + (p.skipped() == 0 ? "" : ", " + p.skipped() + " with operations on their way skipped")
            + (error == null ? "" : "; stopped: " + error);
        tx.executeWithoutResult(s -> audit.append(new AuditEntry(null, "RECONCILED", AuditEntry.Stage.DECISION, actor,
            target, summary, "reconcile-" + runId)));
        log.info("{} in {} ms", summary, (System.nanoTime() - started) / 1_000_000);
    }
}
