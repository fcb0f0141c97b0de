package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.security.Principal;
import java.util.Locale;
import org.roster.hr.HrValidationException;
import org.roster.hr.SnapshotImport;
import org.roster.hr.SnapshotFormat;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/hr/snapshots?source=NAME}: a full HR export, streamed. */
@RestController
@RequestMapping(org.roster.api.ApiSettings.SNAPSHOT_PATH)
class SnapshotsController {

    private final SnapshotImport snapshots;

    SnapshotsController(SnapshotImport snapshots) {
        this.snapshots = snapshots;
    }

    @PostMapping
    @Operation(summary = "Import a full HR export: text/csv, application/json (an array) or application/x-ndjson")
    SnapshotImport.Summary upload(@RequestParam String source, HttpServletRequest request, Principal principal)
            throws IOException {
        return snapshots.importSnapshot(source, request.getInputStream(), format(request.getContentType()),
            principal.getName(), null);
    }

    static SnapshotFormat format(String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("text/csv")) {
            return SnapshotFormat.CSV;
        }
        if (type.startsWith("application/x-ndjson") || type.startsWith("application/jsonl")
            || type.startsWith("application/json-seq")) {
            return SnapshotFormat.NDJSON;
        }
        if (type.startsWith("application/json")) {
            return SnapshotFormat.JSON;
        }
        throw new HrValidationException("Content-Type", "'" + contentType
            + "' is not a snapshot format (text/csv, application/json, application/x-ndjson)");
    }
}
