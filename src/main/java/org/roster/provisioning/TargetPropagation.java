package org.roster.provisioning;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How fast and how surely leavers lost access on one target within a period.
 *
 * @param slo the target's revocation objective
 * @param p50 median time from the HR change to the verified read-back, over verified revocations
 * @param breaches revocations checked later than the objective
 * @param failed revocations whose read-back still showed access
 * @param overdue revocations still pending beyond the objective
 */
public record TargetPropagation(String target, Duration slo, long verified, long failed, long notVerifiable,
                                @Nullable Duration p50, @Nullable Duration p95, @Nullable Duration max,
                                List<Revocation> breaches, List<Revocation> failedChecks, List<Overdue> overdue) {

    /** A leaver's operation not acknowledged yet although the objective has passed. */
    public record Overdue(String identity, String correlationId, Instant hrReceivedAt, Duration age, String operation) {
    }
}
