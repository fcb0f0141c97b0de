package org.roster.grants;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One grant of access outside policy.
 *
 * @param owner the entitlement's owner from the policy catalogue, if it lists one
 * @param duration for a JIT request: how long the access lasts once approved
 * @param dueAt when it ends (an exception's or active JIT grant's expiry), or when a review must be
 *     decided by
 */
public record AccessGrant(String id, Kind kind, String identity, String target, String entitlement, String reason,
                          @Nullable String owner, Status status, String requestedBy, Instant requestedAt,
                          @Nullable String decidedBy, @Nullable Instant decidedAt, @Nullable Duration duration,
                          @Nullable Instant dueAt, @Nullable Instant endedAt, @Nullable String note) {

    public enum Kind {
        /** An entitlement outside policy for one identity, with a reason, an approver and an expiry. */
        EXCEPTION,
        /** Just in time: requested, approved, held for a bounded time. */
        JIT,
        /** An entitlement that follows the person, kept when they moved. */
        KEPT_ON_MOVE,
        /** A privileged entitlement reviewed by its owner after its holder moved. */
        REVIEW,
        /**
         * An entitlement policy grants, revoked for one person at a certification: they hold it no more
         * until their position changes (a move, a conversion, a rehire), when policy decides again.
         */
        EXCLUSION
    }

    public enum Status {
        /** Waiting for an approver (exceptions, JIT). */
        REQUESTED,
        /** Waiting for the owner's review; the access is suspended meanwhile. */
        OPEN,
        /** In force. */
        ACTIVE,
        /** Refused by the approver, or by the owner at review. */
        REJECTED,
        /** Ended at its expiry, or at the review deadline without a decision. */
        EXPIRED,
        /** Ended early by an admin. */
        REVOKED,
        /** Ended with the employment. */
        ENDED
    }
}
