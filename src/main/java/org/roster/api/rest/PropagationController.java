package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.roster.provisioning.Provisioning;
import org.roster.provisioning.TargetPropagation;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/propagation}: per target, how long leavers took to lose access (HR change to
 * verified read-back) against the target's objective, the breaches and failed checks with the
 * identities concerned, and the revocations still pending beyond the objective.
 */
@RestController
class PropagationController {

    private final Provisioning provisioning;

    PropagationController(Provisioning provisioning) {
        this.provisioning = provisioning;
    }

    /** The period reported and, per target, what happened in it. */
    record Report(Instant from, Instant to, List<TargetPropagation> targets) {
    }

    @GetMapping("/api/v1/propagation")
    @Operation(summary = "Revocation latency and SLO breaches per target; from/to ISO-8601 (default: the last 24 hours)")
    Report propagation(@RequestParam(required = false) @Nullable String from,
                       @RequestParam(required = false) @Nullable String to) {
        Instant end = to == null ? Instant.now() : Instants.parse("to", to);
        Instant start = from == null ? end.minus(Duration.ofDays(1)) : Instants.parse("from", from);
        if (!start.isBefore(end)) {
            throw new BadParameter("from", "must be before to");
        }
        return new Report(start, end, provisioning.propagation(start, end));
    }

    @GetMapping("/api/v1/posture")
    @Operation(summary = "Token and session lifetimes of targets that expose them (IdPs), and those above the maximum")
    List<Provisioning.Posture> posture() {
        return provisioning.posture();
    }
}
