package org.roster.report;

import static org.roster.report.ComplianceReports.human;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.roster.provisioning.Revocation;
import org.roster.reconcile.DriftSummary;
import org.springframework.web.util.HtmlUtils;

/**
 * The compliance report as one self-contained HTML page for a person to read and file: styles
 * inline, no script, no external resource, every value escaped.
 */
public final class ReportHtml {

    private static final String STYLE = """
        body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:72rem;color:#1b1f24;\
        line-height:1.45;padding:0 1rem}h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;\
        border-bottom:1px solid #d0d7de;padding-bottom:.2rem}table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;\
        font-size:.9rem}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}\
        th{background:#f6f8fa}.MET{background:#dafbe1}.ATTENTION{background:#fff1c2}.NO_EVIDENCE{background:#eaeef2}\
        .broken{background:#ffd7d5;padding:.5rem;border:1px solid #cf222e}.ok{color:#1a7f37}.muted{color:#57606a}\
        ul{margin:.2rem 0;padding-left:1.2rem}code{font-size:.85rem}""";

    private ReportHtml() {
    }

    public static String render(ComplianceReport r) {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Roster compliance report ")
            .append(e(r.from())).append(" to ").append(e(r.to())).append("</title><style>").append(STYLE)
            .append("</style></head><body>");
        h.append("<h1>Identity lifecycle compliance report</h1><p class=\"muted\">Period ").append(e(seconds(r.from())))
            .append(" (inclusive) to ").append(e(seconds(r.to()))).append(" (exclusive). Generated ")
            .append(e(seconds(r.generatedAt())))
            .append(" by Roster from its own records; policy version <code>").append(e(r.policyVersion()))
            .append("</code>.</p>");
        integrity(h, r.integrity());
        r.caveats().forEach(c -> h.append("<p class=\"muted\">Note: ").append(e(c)).append(".</p>"));
        controls(h, r.controls());
        lifecycle(h, r);
        revocation(h, r);
        exceptions(h, r.exceptions());
        drift(h, r.drift());
        quarantine(h, r.quarantine());
        h.append("<p class=\"muted\">The same report as JSON: <code>GET /api/v1/reports/compliance?from=")
            .append(e(r.from())).append("&amp;to=").append(e(r.to())).append("</code>.</p></body></html>");
        return h.toString();
    }

    private static void integrity(StringBuilder h, ComplianceReport.Integrity i) {
        if (i.intact()) {
            h.append("<p class=\"ok\">Audit trail verified: ").append(i.records()).append(" hash-chained record(s) and ")
                .append(i.checkpoints()).append(" signed checkpoint(s) intact (signing key <code>").append(e(i.signingKey()))
                .append("</code>).</p>");
        } else {
            h.append("<p class=\"broken\"><strong>The audit trail is broken</strong> at record ").append(i.brokenAt())
                .append(": ").append(e(i.reason())).append(". Nothing below can be relied on until this is explained.</p>");
        }
    }

    private static void controls(StringBuilder h, List<ComplianceReport.Control> controls) {
        h.append("<h2>Controls</h2><table><tr><th>Framework</th><th>Control</th><th>Status</th><th>Evidence</th>")
            .append("<th>Needs attention</th></tr>");
        for (ComplianceReport.Control c : controls) {
            h.append("<tr><td>").append(e(c.framework())).append("</td><td><strong>").append(e(c.id()))
                .append("</strong><br>").append(e(c.title())).append("</td><td class=\"").append(c.status().name())
                .append("\">").append(c.status().name().replace('_', ' ')).append("</td><td>");
            list(h, c.evidence());
            h.append("</td><td>");
            list(h, c.attention());
            h.append("</td></tr>");
        }
        h.append("</table>");
    }

    private static void lifecycle(StringBuilder h, ComplianceReport r) {
        h.append("<h2>Joiners, movers and leavers</h2>");
        if (r.transitions().isEmpty()) {
            h.append("<p class=\"muted\">No lifecycle transition in the period.</p>");
            return;
        }
        h.append("<table><tr><th>Transition</th><th>Count</th></tr>");
        r.transitions().forEach((kind, n) -> h.append("<tr><td>").append(e(kind)).append("</td><td>").append(n)
            .append("</td></tr>"));
        h.append("</table>");
    }

    private static void revocation(StringBuilder h, ComplianceReport r) {
        h.append("<h2>Time to full revocation</h2><p>From the HR change to the verified read-back of each target.</p>")
            .append("<table><tr><th>Target</th><th>Objective</th><th>Verified</th><th>Median</th><th>95th pct</th>")
            .append("<th>Worst</th><th>Over objective</th><th>Failed</th><th>Not verifiable</th><th>Overdue now</th></tr>");
        for (ComplianceReport.TargetRevocation t : r.revocation()) {
            h.append("<tr><td>").append(e(t.target())).append("</td><td>").append(d(t.slo())).append("</td><td>")
                .append(t.verified().count()).append("</td><td>").append(d(t.verified().p50())).append("</td><td>")
                .append(d(t.verified().p95())).append("</td><td>").append(d(t.verified().max())).append("</td><td>")
                .append(t.breaches()).append("</td><td>").append(t.failed()).append("</td><td>").append(t.notVerifiable())
                .append("</td><td>").append(t.overdue()).append("</td></tr>");
        }
        ComplianceReport.FullRevocation full = r.fullRevocation();
        h.append("<tr><th>every target</th><td></td><td>").append(full.verified().count()).append("</td><td>")
            .append(d(full.verified().p50())).append("</td><td>").append(d(full.verified().p95())).append("</td><td>")
            .append(d(full.verified().max())).append("</td><td colspan=\"4\">").append(full.incomplete())
            .append(" leaver(s) not verified on every target</td></tr></table>");
        if (!full.worst().isEmpty()) {
            h.append("<p>Slowest leavers (until the last target was verified):</p><table><tr><th>Identity</th>")
                .append("<th>HR change received</th><th>Took</th><th>Last target</th><th>Correlation</th></tr>");
            for (ComplianceReport.Leaver l : full.worst()) {
                h.append("<tr><td>").append(e(l.identity())).append("</td><td>").append(e(l.hrReceivedAt()))
                    .append("</td><td>").append(d(l.took())).append("</td><td>").append(e(l.lastTarget()))
                    .append("</td><td><code>").append(e(l.correlationId())).append("</code></td></tr>");
            }
            h.append("</table>");
        }
        if (!r.receivers().isEmpty()) {
            h.append("<h2>Events to receivers</h2><p>Shared Signals streams and CloudEvents subscribers: from the HR change")
                .append(" to the receiver's acknowledgement.</p><table><tr><th>Channel</th><th>Receiver</th><th>Objective</th>")
                .append("<th>Acknowledged</th><th>Median</th><th>95th pct</th><th>Worst</th><th>Over objective</th>")
                .append("<th>Waiting now</th><th>Given up</th></tr>");
            for (ComplianceReport.ReceiverDelivery d : r.receivers()) {
                h.append("<tr><td>").append(e(d.channel())).append("</td><td>").append(e(d.receiver())).append("</td><td>")
                    .append(d(d.slo())).append("</td><td>").append(d.acknowledged().count()).append("</td><td>")
                    .append(d(d.acknowledged().p50())).append("</td><td>").append(d(d.acknowledged().p95()))
                    .append("</td><td>").append(d(d.acknowledged().max())).append("</td><td>").append(d.breaches())
                    .append("</td><td>").append(d.pending()).append("</td><td>").append(d.dead()).append("</td></tr>");
            }
            h.append("</table>");
        }
        h.append("<h2>Revocations that failed verification</h2>");
        if (r.failedVerifications().isEmpty()) {
            h.append("<p class=\"muted\">None.</p>");
        } else {
            h.append("<table><tr><th>Identity</th><th>Target</th><th>Checked</th><th>What the read-back showed</th></tr>");
            for (Revocation v : r.failedVerifications()) {
                h.append("<tr><td>").append(e(v.identity())).append("</td><td>").append(e(v.target())).append("</td><td>")
                    .append(e(v.checkedAt())).append("</td><td>").append(e(v.detail())).append("</td></tr>");
            }
            h.append("</table>");
        }
        List<ComplianceReport.PostureEntry> above = r.posture().stream()
            .filter(p -> !p.above().isEmpty() || p.error() != null).toList();
        if (!above.isEmpty()) {
            h.append("<p>Identity providers whose tokens or sessions outlive a revocation:</p><ul>");
            above.forEach(p -> h.append("<li>").append(e(p.target())).append(": ")
                .append(e(p.error() != null ? "could not be read: " + p.error() : String.join(", ", p.above())))
                .append("</li>"));
            h.append("</ul>");
        }
    }

    private static void exceptions(StringBuilder h, List<ComplianceReport.ExceptionEntry> exceptions) {
        h.append("<h2>Exceptions in force</h2>");
        if (exceptions.isEmpty()) {
            h.append("<p class=\"muted\">None.</p>");
            return;
        }
        h.append("<table><tr><th>Kind</th><th>Who or what</th><th>Target</th><th>Access</th><th>Owner</th>")
            .append("<th>Approved by</th><th>Until</th><th>Reason</th></tr>");
        for (ComplianceReport.ExceptionEntry x : exceptions) {
            h.append("<tr><td>").append(e(x.kind())).append("</td><td>").append(e(x.subject())).append("</td><td>")
                .append(e(x.target())).append("</td><td>").append(e(x.item())).append("</td><td>").append(e(x.owner()))
                .append("</td><td>").append(e(x.approvedBy())).append("</td><td>").append(e(x.until())).append("</td><td>")
                .append(e(x.reason())).append("</td></tr>");
        }
        h.append("</table>");
    }

    private static void drift(StringBuilder h, DriftSummary drift) {
        h.append("<h2>Drift found and mended</h2><p>").append(drift.runs().size())
            .append(" reconciliation run(s) in the period.</p>");
        if (drift.counts().isEmpty()) {
            h.append("<p class=\"muted\">No finding.</p>");
            return;
        }
        h.append("<table><tr><th>Target</th><th>Kind</th><th>Status</th><th>Findings, all runs</th></tr>");
        for (DriftSummary.Count c : drift.counts()) {
            h.append("<tr><td>").append(e(c.target())).append("</td><td>").append(c.kind().name()).append("</td><td>")
                .append(c.status().name()).append("</td><td>").append(c.findings()).append("</td></tr>");
        }
        h.append("</table>");
    }

    private static void quarantine(StringBuilder h, ComplianceReport.Quarantine q) {
        h.append("<h2>Quarantined HR records</h2><p>").append(q.total())
            .append(" record(s) not acted on because they failed validation");
        if (!q.byField().isEmpty()) {
            h.append("; by field: ");
            StringBuilder fields = new StringBuilder();
            for (Map.Entry<String, Long> f : q.byField().entrySet()) {
                fields.append(fields.isEmpty() ? "" : ", ").append(f.getKey()).append(" ").append(f.getValue());
            }
            h.append(e(fields.toString()));
        }
        h.append(".</p>");
        if (!q.first().isEmpty()) {
            h.append("<table><tr><th>Received</th><th>Source</th><th>Employee</th><th>Field</th><th>Reason</th>")
                .append("<th>Status</th></tr>");
            for (ComplianceReport.QuarantineEntry x : q.first()) {
                h.append("<tr><td>").append(e(x.receivedAt())).append("</td><td>").append(e(x.source())).append("</td><td>")
                    .append(e(x.employeeNumber())).append("</td><td>").append(e(x.field())).append("</td><td>")
                    .append(e(x.reason())).append("</td><td>").append(x.status().name()).append("</td></tr>");
            }
            h.append("</table>");
        }
    }

    private static void list(StringBuilder h, List<String> items) {
        if (items.isEmpty()) {
            h.append("<span class=\"muted\">none</span>");
            return;
        }
        h.append("<ul>");
        items.forEach(i -> h.append("<li>").append(e(i)).append("</li>"));
        h.append("</ul>");
    }

    private static Instant seconds(Instant i) {
        return i.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    private static String d(@Nullable Duration d) {
        String s = human(d);
        return s == null ? "&ndash;" : e(s);
    }

    private static String e(@Nullable Object o) {
        return o == null ? "" : HtmlUtils.htmlEscape(o instanceof Instant i
            ? i.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString() : o.toString());
    }
}
