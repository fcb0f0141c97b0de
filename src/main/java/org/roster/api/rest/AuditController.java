package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletResponse;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.audit.AuditQuery;
import org.roster.audit.AuditRecord;
import org.roster.audit.ChainVerifier;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** {@code /api/v1/audit}: the hash-chained audit log: query, export, verify. */
@RestController
@RequestMapping("/api/v1/audit")
class AuditController {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int EXPORT_PAGE = 2_000;

    private final AuditLog audit;
    private final org.roster.audit.Checkpoints checkpoints;

    AuditController(AuditLog audit, org.roster.audit.Checkpoints checkpoints) {
        this.audit = audit;
        this.checkpoints = checkpoints;
    }

    /** The chain checked record by record, and the signed checkpoints checked against it. */
    record Verification(boolean intact, ChainVerifier.Result chain, org.roster.audit.Checkpoints.Result checkpoints,
                        String signingKey) {
    }

    @GetMapping
    @Operation(summary = "Audit records, oldest first, by identity, target, kind, actor and time range (from"
        + " inclusive, to exclusive, ISO-8601); page with after=<next of the previous page>")
    Paged<AuditRecord> list(@RequestParam(required = false) @Nullable String identity,
              @RequestParam(required = false) @Nullable String target,
              @RequestParam(required = false) @Nullable String kind,
              @RequestParam(required = false) @Nullable String actor,
              @RequestParam(required = false) @Nullable String from,
              @RequestParam(required = false) @Nullable String to,
              @RequestParam(defaultValue = "0") long after,
              @RequestParam(required = false) @Nullable String cursor,
              @RequestParam(defaultValue = "100") int size) {
        int limit = Paging.of(0, size).size();
        long start = after;
        if (cursor != null && !cursor.isBlank()) {
            try {
                start = Long.parseLong(cursor);
            } catch (NumberFormatException e) {
                throw new BadParameter("cursor", "'" + cursor + "' is not a cursor this list gave (its 'next')");
            }
        }
        List<AuditRecord> items = audit.find(query(identity, target, kind, actor, from, to), start, limit);
        return Paged.after(items, limit, r -> Long.toString(r.seq()));
    }

    @GetMapping("/export")
    @Operation(summary = "Every matching record, streamed: format=jsonl (one record a line, with its hashes) or csv")
    void export(@RequestParam(defaultValue = "jsonl") String format,
                @RequestParam(required = false) @Nullable String identity,
                @RequestParam(required = false) @Nullable String target,
                @RequestParam(required = false) @Nullable String kind,
                @RequestParam(required = false) @Nullable String actor,
                @RequestParam(required = false) @Nullable String from,
                @RequestParam(required = false) @Nullable String to,
                HttpServletResponse response) throws java.io.IOException {
        boolean csv = format.equals("csv");
        if (!csv && !format.equals("jsonl")) {
            throw new BadParameter("format", "'" + format + "' is not jsonl or csv");
        }
        AuditQuery q = query(identity, target, kind, actor, from, to);
        response.setContentType(csv ? "text/csv" : "application/x-ndjson");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"roster-audit." + (csv ? "csv" : "jsonl") + "\"");
        // Written page by page as it is read: an export of millions of records takes no more memory than a page.
        Writer w = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
        if (csv) {
            w.write("seq,recorded_at,identity,kind,stage,actor,target,detail,correlation_id,prev_hash,hash\n");
        }
        long after = 0;
        while (true) {
            List<AuditRecord> page = audit.find(q, after, EXPORT_PAGE);
            for (AuditRecord r : page) {
                w.write(csv ? csv(r) : JSON.writeValueAsString(r));
                w.write('\n');
            }
            w.flush();
            if (page.size() < EXPORT_PAGE) {
                break;
            }
            after = page.get(page.size() - 1).seq();
        }
    }

    @GetMapping("/verify")
    @Operation(summary = "Check the whole hash chain in the store, and the signed checkpoints; names the first edited,"
        + " inserted or deleted record, or the first checkpoint a rewritten chain no longer matches")
    Verification verify() {
        ChainVerifier.Result chain = audit.verify();
        org.roster.audit.Checkpoints.Result signed = checkpoints.verify();
        return new Verification(chain.intact() && signed.brokenAt() == null, chain, signed, checkpoints.keyId());
    }

    @GetMapping("/checkpoints")
    @Operation(summary = "The signed checkpoints of the chain's head, oldest first, with the public key of each")
    List<org.roster.audit.Checkpoints.Checkpoint> checkpoints() {
        return checkpoints.list();
    }

    @org.springframework.web.bind.annotation.PostMapping("/checkpoints")
    @Operation(summary = "Sign the chain's head now (if records were added since the last checkpoint)")
    org.springframework.http.ResponseEntity<org.roster.audit.Checkpoints.Checkpoint> checkpoint() {
        return checkpoints.checkpoint().map(org.springframework.http.ResponseEntity::ok)
            .orElse(org.springframework.http.ResponseEntity.noContent().build());
    }

    private static AuditQuery query(@Nullable String identity, @Nullable String target, @Nullable String kind,
                                    @Nullable String actor, @Nullable String from, @Nullable String to) {
        return new AuditQuery(blank(identity), blank(target), blank(kind), blank(actor), instant("from", from),
            instant("to", to));
    }

    private static @Nullable String blank(@Nullable String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static @Nullable Instant instant(String name, @Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return Instants.parse(name, value);
    }

    private static String csv(AuditRecord r) {
        AuditEntry e = r.entry();
        return String.join(",", Long.toString(r.seq()), r.recordedAt().toString(), cell(e.identity()), cell(e.kind()),
            e.stage().name(), cell(e.actor()), cell(e.target()), cell(e.detail()), cell(e.correlationId()),
            cell(r.prevHash()), cell(r.hash()));
    }

    /**
     * One CSV cell. HR values reach the audit (a department named {@code =HYPERLINK(...)}): a cell a
     * spreadsheet would read as a formula (starting with {@code = + - @}, a tab or a carriage return)
     * gets a leading apostrophe and is quoted, as OWASP's CSV injection guidance says, so it opens as
     * text. The JSON Lines export keeps values exactly, for verification.
     */
    static String cell(@Nullable String v) {
        if (v == null) {
            return "";
        }
        boolean formula = !v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0;
        String text = formula ? "'" + v : v;
        boolean quote = formula || text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r");
        return quote ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }
}
