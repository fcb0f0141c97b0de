package org.roster.provisioning;

import java.time.Instant;
import java.util.List;
import org.roster.plan.Operation;

/**
 * Targets acknowledged these operations: access changed there. Published once per batch in the
 * transaction that records the acknowledgements, so what listens (lifecycle event subscribers)
 * records its consequence with them or not at all.
 */
public record OperationsAcknowledged(List<Acknowledged> operations) {

    public OperationsAcknowledged {
        operations = List.copyOf(operations);
    }

    /** One operation, the change that caused it, when HR sent that change, and when the target acknowledged. */
    public record Acknowledged(Operation operation, String correlationId, Instant hrReceivedAt, Instant at) {
    }
}
