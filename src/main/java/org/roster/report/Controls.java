package org.roster.report;

import static org.roster.report.ComplianceReports.findings;
import static org.roster.report.ComplianceReports.human;
import static org.roster.report.ComplianceReports.status;
import static org.roster.report.ComplianceReports.stillOpen;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.roster.reconcile.Finding;
import org.roster.reconcile.ReconcileRun;
import org.roster.report.ComplianceReport.Control;

/**
 * The controls a report speaks to, and how each stands on the report's evidence. A control is
 * {@code ATTENTION} when the evidence shows a gap, {@code MET} when it shows the control operating,
 * {@code NO_EVIDENCE} when Roster has nothing for it in the period. A broken audit trail puts every
 * control under attention: none of the evidence can then be relied on.
 */
final class Controls {

    private static final List<Finding.Status> ALL = List.of(Finding.Status.values());

    private Controls() {
    }

    static List<Control> assess(ComplianceReport r) {
        List<Control> controls = new ArrayList<>();
        controls.add(identities(r));
        controls.add(entitlements(r));
        controls.add(continuousVerification(r));
        controls.add(thirdPartyNhi(r));
        if (!r.integrity().intact()) {
            String broken = "the audit trail is broken at record " + r.integrity().brokenAt() + " ("
                + r.integrity().reason() + "): this evidence cannot be relied on";
            controls.replaceAll(c -> {
                List<String> attention = new ArrayList<>(c.attention());
                attention.add(0, broken);
                return new Control(c.framework(), c.id(), c.title(), ComplianceReport.Status.ATTENTION, c.evidence(),
                    attention);
            });
        }
        return controls;
    }

    /** PR.AA-01: identities managed from the authoritative source, access removed when people leave. */
    private static Control identities(ComplianceReport r) {
        List<String> evidence = new ArrayList<>();
        List<String> attention = new ArrayList<>();
        Map<String, Long> t = r.transitions();
        long transitions = t.values().stream().mapToLong(Long::longValue).sum();
        evidence.add(t.getOrDefault("JOINER", 0L) + " joiner(s), " + t.getOrDefault("MOVER", 0L) + " mover(s), "
            + t.getOrDefault("LEAVER", 0L) + " leaver(s) (" + transitions + " lifecycle transition(s) in all) classified from HR"
            + " records, each in the audit trail with the HR event that caused it");
        evidence.add(r.quarantine().total() + " HR record(s) quarantined instead of acted on"
            + (r.quarantine().byStatus().isEmpty() ? "" : " (" + r.quarantine().byStatus().entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().toLowerCase(java.util.Locale.ROOT))
                .collect(java.util.stream.Collectors.joining(", ")) + ")"));
        var full = r.fullRevocation();
        evidence.add(full.verified().count() + " leaver(s) verified gone on every target; median "
            + human(full.verified().p50()) + ", 95th percentile " + human(full.verified().p95()) + ", worst "
            + human(full.verified().max()));
        long enabled = findings(r.drift(), List.of(Finding.Kind.ENABLED_WITHOUT_ACCESS), ALL);
        long orphans = findings(r.drift(), List.of(Finding.Kind.ORPHAN_ACCOUNT), ALL);
        evidence.add(r.drift().runs().size() + " reconciliation run(s) found " + enabled
            + " enabled account(s) of people without access and " + orphans + " orphan account(s)");
        if (full.incomplete() > 0) {
            attention.add(full.incomplete() + " leaver(s) with a target whose revocation failed or could not be verified");
        }
        long overdue = r.revocation().stream().mapToLong(ComplianceReport.TargetRevocation::overdue).sum();
        if (overdue > 0) {
            attention.add(overdue + " revocation(s) still not done beyond their target's objective");
        }
        long openEnabled = stillOpen(r.drift(), List.of(Finding.Kind.ENABLED_WITHOUT_ACCESS));
        if (openEnabled > 0) {
            attention.add(openEnabled + " finding(s) of access that outlived employment still open");
        }
        long openQuarantine = r.quarantine().byStatus().getOrDefault("OPEN", 0L);
        if (openQuarantine > 0) {
            attention.add(openQuarantine + " quarantined HR record(s) not yet released or discarded");
        }
        // services' identities and credentials: the NHI inventory
        long services = r.nhi().byState().values().stream().mapToLong(Long::longValue).sum();
        evidence.add(services + " non-human identit(ies) managed, each owned by a person who works here; "
            + r.nhi().rotated() + " credential(s) rotated in the period");
        if (r.nhi().ownedByLeavers() > 0) {
            attention.add(r.nhi().ownedByLeavers() + " service identit(ies) still owned by people who left");
        }
        if (r.nhi().staleCredentials() > 0) {
            attention.add(r.nhi().staleCredentials() + " service credential(s) older than their maximum age");
        }
        boolean any = transitions > 0 || !r.drift().runs().isEmpty() || r.quarantine().total() > 0 || services > 0;
        return new Control("NIST CSF 2.0", "PR.AA-01", "Identities and credentials for authorized users, services, and"
            + " hardware are managed by the organization", status(attention, any), evidence, attention);
    }

    /** PR.AA-05: access defined in policy, enforced and reviewed; exceptions owned and bounded. */
    private static Control entitlements(ComplianceReport r) {
        List<String> evidence = new ArrayList<>();
        List<String> attention = new ArrayList<>();
        evidence.add("access computed from policy version " + r.policyVersion() + " (every decision records its version)");
        long unbounded = r.exceptions().stream().filter(e -> e.until() == null).count();
        evidence.add(r.exceptions().size() + " exception(s) in force outside policy, each with an owner"
            + (unbounded == 0 ? " and an end date" : ""));
        List<Finding.Kind> access = List.of(Finding.Kind.EXTRA_ENTITLEMENT, Finding.Kind.MISSING_ENTITLEMENT);
        evidence.add(findings(r.drift(), access, ALL) + " entitlement finding(s) from reconciliation: "
            + findings(r.drift(), access, List.of(Finding.Status.MENDED)) + " mended, "
            + findings(r.drift(), access, List.of(Finding.Status.ACCEPTED)) + " accepted as exceptions, "
            + stillOpen(r.drift(), access) + " still open in the last run");
        var cert = r.certification();
        long decided = cert.decisions().values().stream().mapToLong(Long::longValue).sum();
        evidence.add(cert.started() + " certification campaign(s) started in the period (" + cert.closed() + " closed); "
            + decided + " access decision(s): " + cert.decisions().getOrDefault("KEPT", 0L) + " kept and "
            + cert.decisions().getOrDefault("REVOKED", 0L) + " revoked by their reviewers, "
            + (cert.decisions().getOrDefault("KEPT_AT_DEADLINE", 0L) + cert.decisions().getOrDefault("REVOKED_AT_DEADLINE", 0L))
            + " at the deadline");
        if (unbounded > 0) {
            attention.add(unbounded + " exception(s) without an end date");
        }
        if (cert.overdue() > 0) {
            attention.add(cert.overdue() + " certification item(s) past their deadline and not yet decided");
        }
        long open = stillOpen(r.drift(), access);
        if (open > 0) {
            attention.add(open + " entitlement(s) on targets that policy does not grant, or granted and missing, still open");
        }
        if (r.drift().runs().stream().noneMatch(run -> run.status() == ReconcileRun.Status.FINISHED)) {
            attention.add("no reconciliation finished in the period: access on the targets was not compared with policy");
        }
        return new Control("NIST CSF 2.0", "PR.AA-05", "Access permissions, entitlements, and authorizations are defined"
            + " in a policy, managed, enforced, and reviewed, and incorporate the principles of least privilege and"
            + " separation of duties", status(attention, true), evidence, attention);
    }

    /** SP 800-207: access decisions follow current identity state; revocation reaches every enforcement point, verified. */
    private static Control continuousVerification(ComplianceReport r) {
        List<String> evidence = new ArrayList<>();
        List<String> attention = new ArrayList<>();
        long checks = 0;
        for (ComplianceReport.TargetRevocation t : r.revocation()) {
            checks += t.verified().count() + t.failed() + t.notVerifiable();
            evidence.add(t.target() + ": " + t.verified().count() + " revocation(s) verified by read-back, median "
                + human(t.verified().p50()) + ", 95th percentile " + human(t.verified().p95()) + " against an objective of "
                + human(t.slo()));
            if (t.breaches() > 0) {
                attention.add(t.target() + ": " + t.breaches() + " revocation(s) verified later than the objective ("
                    + human(t.slo()) + ")");
            }
            if (t.notVerifiable() > 0) {
                attention.add(t.target() + ": " + t.notVerifiable() + " revocation(s) that could not be verified");
            }
        }
        if (!r.failedVerifications().isEmpty()) {
            attention.add(r.failedVerifications().size() + " revocation(s) whose read-back still showed access");
        }
        for (ComplianceReport.ReceiverDelivery d : r.receivers()) {
            evidence.add(d.channel() + " receiver " + d.receiver() + ": " + d.acknowledged().count()
                + " event(s) acknowledged, median " + human(d.acknowledged().p50()) + ", 95th percentile "
                + human(d.acknowledged().p95()) + " after the HR change, against an objective of " + human(d.slo()));
            if (d.breaches() > 0) {
                attention.add(d.channel() + " receiver " + d.receiver() + ": " + d.breaches()
                    + " event(s) acknowledged later than the objective (" + human(d.slo()) + ")");
            }
            if (d.dead() > 0) {
                attention.add(d.channel() + " receiver " + d.receiver() + ": " + d.dead() + " event(s) given up undelivered");
            }
        }
        for (ComplianceReport.PostureEntry p : r.posture()) {
            if (!p.above().isEmpty()) {
                attention.add(p.target() + ": token or session lifetimes above the maximum outlive a revocation: "
                    + String.join(", ", p.above()));
            }
        }
        return new Control("NIST SP 800-207", "Tenets 6-7", "Access decided and enforced from current identity state;"
            + " changes reach every enforcement point and are verified", status(attention, checks > 0), evidence,
            attention);
    }

    /** NHI3:2025: third-party and other non-human accounts nobody owns. */
    private static Control thirdPartyNhi(ComplianceReport r) {
        List<String> evidence = new ArrayList<>();
        List<String> attention = new ArrayList<>();
        List<Finding.Kind> orphan = List.of(Finding.Kind.ORPHAN_ACCOUNT);
        evidence.add("accounts on the targets that no identity in HR owns (integration and service accounts among them): "
            + findings(r.drift(), orphan, ALL) + " found, " + findings(r.drift(), orphan, List.of(Finding.Status.ACCEPTED))
            + " accepted with an owner and an end date, " + stillOpen(r.drift(), orphan) + " still open in the last run");
        Map<String, Long> nhi = r.nhi().byState();
        long total = nhi.values().stream().mapToLong(Long::longValue).sum();
        evidence.add("non-human identities in the inventory: " + total + " (" + nhi.getOrDefault("ACTIVE", 0L) + " active, "
            + nhi.getOrDefault("REVIEW", 0L) + " in review after their owner left or moved, " + nhi.getOrDefault("ORPHAN", 0L)
            + " without an owner, " + nhi.getOrDefault("EXPIRED", 0L) + " expired, " + nhi.getOrDefault("RETIRED", 0L)
            + " retired); each has an owner who works here, a purpose and an expiry, and a leaver's go to their manager");
        if (nhi.getOrDefault("ORPHAN", 0L) > 0) {
            attention.add(nhi.get("ORPHAN") + " non-human identit(ies) without an owner: give each an owner or retire it");
        }
        evidence.add("credentials rotated in the period: " + r.nhi().rotated() + "; older than their kind's maximum age now: "
            + r.nhi().staleCredentials());
        if (r.nhi().overdueReviews() > 0) {
            attention.add(r.nhi().overdueReviews() + " non-human identit(ies) handed over or moved, not reviewed in time");
        }
        if (r.nhi().ownedByLeavers() > 0) {
            attention.add(r.nhi().ownedByLeavers() + " non-human identit(ies) still owned by people who do not work here");
        }
        if (r.nhi().overdueExpiries() > 0) {
            attention.add(r.nhi().overdueExpiries() + " non-human identit(ies) past their expiry and not yet ended");
        }
        if (r.nhi().staleCredentials() > 0) {
            attention.add(r.nhi().staleCredentials() + " credential(s) older than their maximum age: rotate them (Roster"
                + " does on targets that can, with a secret sink)");
        }
        long open = stillOpen(r.drift(), orphan);
        if (open > 0) {
            attention.add(open + " orphan account(s) without an owner: remove them or accept them with an owner");
        }
        return new Control("OWASP NHI Top 10 (2025)", "NHI3", "Vulnerable third-party non-human identities",
            status(attention, !r.drift().runs().isEmpty() || total > 0), evidence, attention);
    }
}
