package org.roster.provisioning;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Whether a leaver's access on one target is really gone, checked after its operations were
 * acknowledged, with the means the target offers.
 *
 * @param latency from receiving the HR change to the check's result
 * @param slo the target's revocation objective, if it has one
 * @param breached whether the latency exceeded the objective
 */
public record Revocation(String identity, String target, String correlationId, Instant hrReceivedAt, Instant ackedAt,
                         Instant checkedAt, Result result, String detail, Duration latency, @Nullable Duration slo,
                         boolean breached) {

    public enum Result {
        /** The account reads back disabled with no entitlement, or is gone. */
        VERIFIED,
        /** The account reads back still enabled, or still holding entitlements. */
        FAILED,
        /** The target cannot be read back (no read capability), or the read failed. */
        NOT_VERIFIABLE
    }
}
