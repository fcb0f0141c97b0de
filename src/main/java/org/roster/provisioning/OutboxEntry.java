package org.roster.provisioning;

import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.roster.plan.Operation;

/**
 * An operation in the durable outbox, with its delivery state and timestamps.
 *
 * @param hrReceivedAt when the HR change that caused it arrived
 * @param plannedAt when it was stored
 * @param sentAt when it was last handed to the connector
 * @param ackedAt when the target acknowledged it
 * @param nextAttemptAt when a pending operation may be sent (after a failure: when it is retried)
 */
public record OutboxEntry(long id, Operation operation, Status status, int attempts, String correlationId,
                          Instant hrReceivedAt, Instant plannedAt, @Nullable Instant sentAt,
                          @Nullable Instant ackedAt, @Nullable String lastError, Instant nextAttemptAt) {

    /** Whether it may be sent at this time (its retry wait, if any, is over). */
    public boolean dueAt(Instant now) {
        return !nextAttemptAt.isAfter(now);
    }

    public enum Status {
        /** Stored, waiting to be sent (or to be retried). */
        PENDING,
        /** Acknowledged by the target. */
        DONE,
        /** Given up on: refused by the target, or out of attempts. Needs a person. */
        DEAD
    }
}
