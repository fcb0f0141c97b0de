package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.security.Principal;
import org.jspecify.annotations.Nullable;
import org.roster.reconcile.Reconciliations;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/reconciliations}: read a target back and report its drift. */
@RestController
class ReconciliationsController {

    private final Reconciliations reconciliations;

    ReconciliationsController(Reconciliations reconciliations) {
        this.reconciliations = reconciliations;
    }

    /** Which target to reconcile. */
    record Request(@Nullable String target) {
    }

    @PostMapping("/api/v1/reconciliations")
    @Operation(summary = "Reconcile one target now (report mode): every account read back and compared with desired state")
    Reconciliations.Run run(@RequestBody Request request, Principal principal) {
        if (request.target() == null || request.target().isBlank()) {
            throw new BadParameter("target", "is required");
        }
        try {
            return reconciliations.report(request.target(), principal.getName());
        } catch (IllegalArgumentException e) {
            throw new BadParameter("target", e.getMessage());
        }
    }
}
