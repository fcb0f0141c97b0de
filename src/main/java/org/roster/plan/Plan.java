package org.roster.plan;

import java.time.Instant;
import java.util.List;

/**
 * The ordered operations that bring one identity's accounts to the state policy wants. Immutable;
 * published as an event inside the HR change's transaction, executed later by provisioning.
 *
 * @param correlationId the HR event that caused the plan
 * @param receivedAt when that HR event arrived: the origin of propagation latency
 * @param source where the change came from: an HR source, {@code schedule}, {@code policy},
 *     {@code grants}; the safety guard counts per source
 */
public record Plan(String identity, String correlationId, Instant receivedAt, Instant plannedAt,
                   String policyVersion, List<Operation> operations, String source) {

    public Plan {
        operations = List.copyOf(operations);
    }

    /** The same plan with other operations (what the safety guard lets through, or releases). */
    public Plan withOperations(List<Operation> kept) {
        return new Plan(identity, correlationId, receivedAt, plannedAt, policyVersion, kept, source);
    }
}
