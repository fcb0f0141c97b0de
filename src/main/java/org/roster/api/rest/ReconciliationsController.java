package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.roster.reconcile.Finding;
import org.roster.reconcile.ReconcileRun;
import org.roster.reconcile.ReconcileSettings;
import org.roster.reconcile.Reconciliations;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/reconciliations}: read a target back, in the background, and follow the run;
 * {@code /api/v1/findings}: the drift found, and accepting it as an exception.
 */
@RestController
class ReconciliationsController {

    private final Reconciliations reconciliations;

    ReconciliationsController(Reconciliations reconciliations) {
        this.reconciliations = reconciliations;
    }

    /** Which target to reconcile, and optionally how ({@code report} or {@code mend}; default: the target's mode). */
    record Request(@Nullable String target, @Nullable String mode) {
    }

    /** Why the drift is acceptable, and until when. */
    record Acceptance(@Nullable String reason, @Nullable Instant expiresAt) {
    }

    @PostMapping("/api/v1/reconciliations")
    @Operation(summary = "Start reconciling one target: 202 with the run; follow it at its Location")
    ResponseEntity<ReconcileRun> start(@RequestBody Request request, Principal principal) {
        if (request.target() == null || request.target().isBlank()) {
            throw new BadParameter("target", "is required");
        }
        ReconcileSettings.Mode mode = null;
        if (request.mode() != null) {
            try {
                mode = ReconcileSettings.Mode.valueOf(request.mode().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadParameter("mode", "'" + request.mode() + "' is not one of report, mend");
            }
        }
        ReconcileRun run = reconciliations.start(request.target(), mode, principal.getName());
        return ResponseEntity.accepted().location(URI.create("/api/v1/reconciliations/" + run.id())).body(run);
    }

    @GetMapping("/api/v1/reconciliations")
    @Operation(summary = "Reconciliation runs, newest first")
    Paged<ReconcileRun> runs(@RequestParam(required = false) @Nullable String target,
                             @RequestParam(defaultValue = "50") int size) {
        int limit = Paging.of(0, size).size();
        // the newest runs; older ones are in the audit (RECONCILED records)
        return new Paged<>(reconciliations.runs(target, limit), null, null);
    }

    @GetMapping("/api/v1/reconciliations/{id}")
    @Operation(summary = "One run: RUNNING with accounts read so far, or FINISHED/FAILED with findings by kind and status")
    ReconcileRun run(@PathVariable String id) {
        return reconciliations.run(id).orElseThrow(() -> new NotFound("reconciliation", id));
    }

    @GetMapping("/api/v1/reconciliations/{id}/findings")
    @Operation(summary = "A run's findings, paged with 'after' (the 'next' of the previous page)")
    Paged<Finding> findings(@PathVariable String id, @RequestParam(required = false) Finding.@Nullable Kind kind,
                            @RequestParam(required = false) Finding.@Nullable Status status,
                            @RequestParam(required = false) @Nullable String after,
                            @RequestParam(required = false) @Nullable String cursor,
                            @RequestParam(defaultValue = "100") int size) {
        if (!reconciliations.exists(id)) {
            throw new NotFound("reconciliation", id);
        }
        int limit = Paging.of(0, size).size();
        List<Finding> items = reconciliations.findings(id, kind, status, cursor != null ? cursor : after, limit);
        return Paged.after(items, limit, Finding::id);
    }

    @GetMapping("/api/v1/findings/{id}")
    Finding finding(@PathVariable String id) {
        return reconciliations.finding(id).orElseThrow(() -> new NotFound("finding", id));
    }

    @PostMapping("/api/v1/findings/{id}/accept")
    @Operation(summary = "Accept a finding's drift as an exception until expiresAt: later runs report it ACCEPTED and mend leaves it")
    Finding accept(@PathVariable String id, @RequestBody(required = false) @Nullable Acceptance body,
                   Principal principal) {
        return reconciliations.accept(id, principal.getName(), body == null ? null : body.reason(),
            body == null ? null : body.expiresAt());
    }
}
