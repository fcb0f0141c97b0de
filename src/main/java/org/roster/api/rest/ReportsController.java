package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.report.ComplianceReport;
import org.roster.report.ComplianceReports;
import org.roster.report.ReportHtml;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/reports/compliance}: the compliance evidence of a period, as JSON or as an HTML page. */
@RestController
class ReportsController {

    private final ComplianceReports reports;
    private final AuditLog audit;
    private final TransactionTemplate tx;

    ReportsController(ComplianceReports reports, AuditLog audit, TransactionTemplate tx) {
        this.reports = reports;
        this.audit = audit;
        this.tx = tx;
    }

    @GetMapping("/api/v1/reports/compliance")
    @Operation(summary = "Compliance evidence for [from, to) (default: the last 30 days): joiners, movers, leavers,"
        + " time to full revocation, SLO breaches, failed verifications, exceptions, drift, quarantine, mapped to"
        + " NIST CSF 2.0 PR.AA, NIST SP 800-207 and OWASP NHI3; format=json or html (or Accept: text/html)")
    ResponseEntity<?> compliance(@RequestParam(required = false) @Nullable String from,
                                 @RequestParam(required = false) @Nullable String to,
                                 @RequestParam(required = false) @Nullable String format,
                                 @RequestHeader(value = "Accept", required = false) @Nullable String accept,
                                 Principal principal) {
        Instant end = to == null ? Instant.now() : Instants.parseInstantOrDate("to", to);
        Instant start = from == null ? end.minus(Duration.ofDays(30)) : Instants.parseInstantOrDate("from", from);
        boolean html;
        if (format != null) {
            html = switch (format.toLowerCase(Locale.ROOT)) {
                case "html" -> true;
                case "json" -> false;
                default -> throw new BadParameter("format", "'" + format + "' is not one of json, html");
            };
        } else {
            html = accept != null && accept.contains("text/html") && !accept.contains("application/json");
        }
        ComplianceReport report;
        try {
            report = reports.build(start, end);
        } catch (IllegalArgumentException e) {
            throw new BadParameter("to", e.getMessage().replaceFirst("^to: ", ""));
        }
        tx.executeWithoutResult(s -> audit.append(new AuditEntry(null, "REPORT_GENERATED", AuditEntry.Stage.DECISION,
            principal.getName(), null, "compliance report " + start + " to " + end + " (" + (html ? "html" : "json")
                + "); controls: " + report.controls().stream().map(c -> c.id() + " " + c.status()).toList(),
            "report-" + report.generatedAt().toEpochMilli())));
        if (html) {
            return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
                .body(ReportHtml.render(report));
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(report);
    }
}
