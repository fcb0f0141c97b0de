package org.roster.provisioning;

import java.time.Instant;
import org.roster.plan.Operation;

/**
 * A target acknowledged an operation on a non-human account; published in the transaction that
 * records the acknowledgement, so the NHI inventory changes with it or not at all.
 */
public record NonHumanOperationAcknowledged(Operation operation, String correlationId, Instant at) {
}
