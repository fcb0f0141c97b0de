package org.roster.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Events Roster sends to receivers that are not provisioning targets (Shared Signals streams,
 * CloudEvents subscribers), as the timeline and the compliance report show them: each delivery is
 * tied to the HR change (or access change) that caused it, and timed from when HR sent it.
 */
public interface EventDeliveries {

    /** How deliveries stand: waiting (or being retried), acknowledged, or given up. */
    enum Status { PENDING, DELIVERED, DEAD }

    /**
     * One event to one receiver.
     *
     * @param channel {@code ssf} or {@code cloudevents}
     * @param receiver the stream's owner, or the subscriber's name
     * @param event the event's type, short ({@code session-revoked}, {@code org.roster.lifecycle.leaver})
     * @param correlationId the HR event (or access change) that caused it
     */
    record Delivery(String channel, String receiver, String event, String correlationId, @Nullable String identity,
                    Status status, Instant queuedAt, @Nullable Instant ackedAt, int attempts, Instant hrReceivedAt,
                    @Nullable String lastError) {
    }

    /**
     * One receiver over a period: deliveries acknowledged in it and how long after the HR change,
     * and what is still waiting or was given up.
     *
     * @param latencies time from the HR change to the acknowledgement, for at most {@code limit} deliveries
     * @param breached acknowledged later than the objective
     */
    record ReceiverPeriod(String channel, String receiver, Duration slo, long delivered, long pending, long dead,
                          long breached, List<Duration> latencies) {
    }

    /** The latest deliveries about one identity, newest first. */
    List<Delivery> forIdentity(String identity, int limit);

    /** Every receiver's deliveries acknowledged between {@code from} and {@code to}, and what waits now. */
    List<ReceiverPeriod> between(Instant from, Instant to, int limit);
}
