package org.roster.report;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditLog;
import org.roster.audit.ChainVerifier;
import org.roster.audit.Checkpoints;
import org.roster.grants.AccessGrant;
import org.roster.grants.AccessGrants;
import org.roster.hr.Quarantine;
import org.roster.hr.QuarantinedRecord;
import org.roster.lifecycle.Lifecycle;
import org.roster.policy.PolicyEngine;
import org.roster.provisioning.Provisioning;
import org.roster.provisioning.Revocation;
import org.roster.provisioning.TargetPropagation;
import org.roster.reconcile.DriftSummary;
import org.roster.reconcile.Finding;
import org.roster.reconcile.Reconciliations;
import org.roster.report.ComplianceReport.Control;
import org.roster.report.ComplianceReport.Distribution;
import org.roster.report.ComplianceReport.Status;
import org.springframework.stereotype.Service;

/**
 * Builds the compliance report of a period from Roster's own records, and maps it to NIST CSF 2.0
 * PR.AA-01 and PR.AA-05, NIST SP 800-207 and OWASP NHI3:2025. Reads only; the audit chain is
 * verified in full first, since every statement rests on it.
 */
@Service
public class ComplianceReports {

    /** The most of each kind of record a report reads for a period; more is said, not read. */
    static final int LIMIT = 100_000;
    private static final int WORST = 10;
    private static final Duration LONGEST_PERIOD = Duration.ofDays(400);

    private final Lifecycle lifecycle;
    private final Provisioning provisioning;
    private final AccessGrants grants;
    private final Reconciliations reconciliations;
    private final Quarantine quarantine;
    private final AuditLog audit;
    private final Checkpoints checkpoints;
    private final PolicyEngine policy;
    private final Clock clock;
    private final org.roster.nhi.NonHumanIdentities nhis;
    private final org.roster.certification.CampaignReports certifications;

    private final List<org.roster.runtime.EventDeliveries> deliveries;

    public ComplianceReports(Lifecycle lifecycle, Provisioning provisioning, AccessGrants grants,
                             Reconciliations reconciliations, Quarantine quarantine, AuditLog audit,
                             Checkpoints checkpoints, PolicyEngine policy, Clock clock,
                             org.roster.nhi.NonHumanIdentities nhis,
                             org.roster.certification.CampaignReports certifications,
                             List<org.roster.runtime.EventDeliveries> deliveries) {
        this.deliveries = deliveries;
        this.nhis = nhis;
        this.certifications = certifications;
        this.lifecycle = lifecycle;
        this.provisioning = provisioning;
        this.grants = grants;
        this.reconciliations = reconciliations;
        this.quarantine = quarantine;
        this.audit = audit;
        this.checkpoints = checkpoints;
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * The report of {@code [from, to)}.
     *
     * @throws IllegalArgumentException when the period is empty, reversed or longer than 400 days
     */
    public ComplianceReport build(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("to: must be after from");
        }
        if (Duration.between(from, to).compareTo(LONGEST_PERIOD) > 0) {
            throw new IllegalArgumentException("to: a report covers at most " + LONGEST_PERIOD.toDays() + " days");
        }
        Instant now = clock.instant();
        ChainVerifier.Result chain = audit.verify();
        Checkpoints.Result signed = checkpoints.verify();
        ComplianceReport.Integrity integrity = new ComplianceReport.Integrity(chain.intact() && signed.brokenAt() == null,
            chain.checked(), chain.brokenAt() != null ? chain.brokenAt() : signed.brokenAt(),
            chain.reason() != null ? chain.reason() : signed.reason(), signed.checked(), checkpoints.keyId());

        List<Revocation> checks = provisioning.revocationsBetween(from, to, LIMIT);
        List<ComplianceReport.TargetRevocation> perTarget = new ArrayList<>();
        for (TargetPropagation t : provisioning.propagation(from, to)) {
            List<Revocation> mine = checks.stream().filter(r -> r.target().equals(t.target())).toList();
            perTarget.add(new ComplianceReport.TargetRevocation(t.target(), t.slo(),
                distribution(mine.stream().filter(r -> r.result() == Revocation.Result.VERIFIED).map(Revocation::latency).toList()),
                t.failed(), t.notVerifiable(), mine.stream().filter(Revocation::breached).count(), t.overdue().size(),
                mine.stream().sorted(Comparator.comparing(Revocation::latency).reversed()).limit(WORST).toList()));
        }
        List<Revocation> failed = checks.stream().filter(r -> r.result() == Revocation.Result.FAILED).toList();

        DriftSummary drift = reconciliations.between(from, to);
        List<ComplianceReport.ExceptionEntry> exceptions = exceptions(drift);
        List<QuarantinedRecord> quarantined = quarantine.receivedBetween(from, to, LIMIT);
        Map<String, Long> byStatus = new TreeMap<>();
        Map<String, Long> byField = new TreeMap<>();
        quarantined.forEach(q -> {
            byStatus.merge(q.status().name(), 1L, Long::sum);
            byField.merge(q.field(), 1L, Long::sum);
        });
        ComplianceReport.Quarantine q = new ComplianceReport.Quarantine(quarantined.size(), byStatus, byField,
            quarantined.stream().limit(100).map(r -> new ComplianceReport.QuarantineEntry(r.id(), r.source(),
                r.employeeNumber(), r.field(), r.reason(), r.status(), r.receivedAt())).toList());
        List<ComplianceReport.PostureEntry> posture = provisioning.posture().stream()
            .map(p -> new ComplianceReport.PostureEntry(p.target(), p.above(), p.error())).toList();
        Map<String, Long> transitions = lifecycle.transitionsBetween(from, to);
        ComplianceReport.FullRevocation full = fullRevocation(checks);

        List<String> caveats = new ArrayList<>();
        if (checks.size() == LIMIT) {
            caveats.add("more than " + LIMIT + " revocation checks in the period: the distributions cover the first "
                + LIMIT + "; report on a shorter period for all of them");
        }
        if (quarantined.size() == LIMIT) {
            caveats.add("more than " + LIMIT + " quarantined HR records in the period: counts cover the first " + LIMIT);
        }
        Map<String, Long> byState = new java.util.TreeMap<>();
        var nhi = nhis.inventory(from, to);
        nhi.byState().forEach((state, count) -> byState.put(state.name(), count));
        ComplianceReport.NhiInventory inventory = new ComplianceReport.NhiInventory(byState, nhi.overdueReviews(),
            nhi.ownedByLeavers(), nhi.overdueExpiries(), nhi.staleCredentials(), nhi.rotated());
        var cert = certifications.evidence(from, to);
        ComplianceReport.Certification certification = new ComplianceReport.Certification(cert.started(), cert.closed(),
            cert.decisions(), cert.overdue());
        List<ComplianceReport.ReceiverDelivery> receivers = new ArrayList<>();
        for (org.roster.runtime.EventDeliveries d : deliveries) {
            for (org.roster.runtime.EventDeliveries.ReceiverPeriod p : d.between(from, to, LIMIT)) {
                if (p.latencies().size() == LIMIT) {
                    caveats.add("more than " + LIMIT + " events acknowledged by " + p.channel() + " receiver " + p.receiver()
                        + " in the period: its distribution covers the first " + LIMIT);
                }
                Distribution sample = distribution(p.latencies());
                receivers.add(new ComplianceReport.ReceiverDelivery(p.channel(), p.receiver(), p.slo(),
                    new Distribution(p.delivered(), sample.p50(), sample.p95(), sample.max()), p.breached(), p.pending(),
                    p.dead()));
            }
        }
        ComplianceReport draft = new ComplianceReport(from, to, now, policy.version(), integrity, transitions, perTarget,
            full, failed, exceptions, drift, q, posture, inventory, certification, receivers, caveats, List.of());
        return new ComplianceReport(from, to, now, policy.version(), integrity, transitions, perTarget, full, failed,
            exceptions, drift, q, posture, inventory, certification, receivers, caveats, Controls.assess(draft));
    }

    private List<ComplianceReport.ExceptionEntry> exceptions(DriftSummary drift) {
        List<ComplianceReport.ExceptionEntry> out = new ArrayList<>();
        for (AccessGrant g : grants.list(List.of(AccessGrant.Kind.EXCEPTION, AccessGrant.Kind.JIT),
                AccessGrant.Status.ACTIVE, null, null, 0, 10_000)) {
            out.add(new ComplianceReport.ExceptionEntry(g.kind().name(), g.identity(), g.target(), g.entitlement(),
                g.owner() != null ? g.owner() : String.valueOf(g.decidedBy()), g.decidedBy(), g.dueAt(), g.reason()));
        }
        for (DriftSummary.Accepted a : drift.accepted()) {
            out.add(new ComplianceReport.ExceptionEntry("ACCEPTED_DRIFT", a.subject(), a.target(),
                a.kind().name() + (a.item().isEmpty() ? "" : " " + a.item()), a.acceptedBy(), a.acceptedBy(), a.expiresAt(),
                a.reason()));
        }
        return out;
    }

    /** Per leaver (identity and HR change): from the change to its last target's verified check. */
    private static ComplianceReport.FullRevocation fullRevocation(List<Revocation> checks) {
        Map<String, List<Revocation>> byLeaver = new LinkedHashMap<>();
        checks.forEach(r -> byLeaver.computeIfAbsent(r.identity() + "\u0000" + r.correlationId(), k -> new ArrayList<>())
            .add(r));
        List<ComplianceReport.Leaver> complete = new ArrayList<>();
        long incomplete = 0;
        for (List<Revocation> targets : byLeaver.values()) {
            if (targets.stream().anyMatch(r -> r.result() != Revocation.Result.VERIFIED)) {
                incomplete++;
                continue;
            }
            Revocation last = targets.stream().max(Comparator.comparing(Revocation::latency)).orElseThrow();
            complete.add(new ComplianceReport.Leaver(last.identity(), last.correlationId(), last.hrReceivedAt(),
                last.latency(), last.target()));
        }
        complete.sort(Comparator.comparing(ComplianceReport.Leaver::took).reversed());
        return new ComplianceReport.FullRevocation(distribution(complete.stream().map(ComplianceReport.Leaver::took).toList()),
            incomplete, complete.stream().limit(WORST).toList());
    }

    static Distribution distribution(List<Duration> values) {
        if (values.isEmpty()) {
            return new Distribution(0, null, null, null);
        }
        List<Duration> sorted = values.stream().sorted().toList();
        return new Distribution(sorted.size(), percentile(sorted, 50), percentile(sorted, 95), sorted.get(sorted.size() - 1));
    }

    private static Duration percentile(List<Duration> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** How many findings of these kinds are in these statuses, over all runs of the period. */
    static long findings(DriftSummary drift, List<Finding.Kind> kinds, List<Finding.Status> statuses) {
        return count(drift.counts(), kinds, statuses);
    }

    /** How many findings of these kinds were still open in each target's last run of the period. */
    static long stillOpen(DriftSummary drift, List<Finding.Kind> kinds) {
        return count(drift.latest(), kinds, List.of(Finding.Status.OPEN));
    }

    private static long count(List<DriftSummary.Count> counts, List<Finding.Kind> kinds, List<Finding.Status> statuses) {
        return counts.stream().filter(c -> kinds.contains(c.kind()) && statuses.contains(c.status()))
            .mapToLong(DriftSummary.Count::findings).sum();
    }

    static Status status(List<String> attention, boolean evidence) {
        return !attention.isEmpty() ? Status.ATTENTION : evidence ? Status.MET : Status.NO_EVIDENCE;
    }

    static @Nullable String human(@Nullable Duration d) {
        if (d == null) {
            return null;
        }
        if (d.toMillis() < 1_000) {
            return d.toMillis() + " ms";
        }
        if (d.toSeconds() < 120) {
            return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
        }
        if (d.toMinutes() < 120) {
            return d.toMinutes() + " min";
        }
        return d.toHours() + " h " + d.toMinutesPart() + " min";
    }
}
