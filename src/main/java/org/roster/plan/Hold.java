package org.roster.plan;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Operations Roster holds instead of sending, until an admin decides.
 *
 * @param kind {@code GUARD}: more disables from one source on one target than the safety guard
 *     allows; {@code SOD}: additions that would break a segregation-of-duties rule
 * @param openedBy the principal whose changes opened it (it may not approve it); {@code null} when
 *     Roster itself did (a segregation-of-duties conflict)
 * @param plans how many identities' plans are held in it
 */
public record Hold(String id, Kind kind, String source, String target, Status status, String reason,
                   Instant openedAt, @Nullable String openedBy, @Nullable Instant decidedAt, @Nullable String decidedBy, @Nullable String note,
                   long plans, long operations) {

    public enum Kind { GUARD, SOD }

    public enum Status {
        /** Filled by a batch of HR changes still being applied: nothing sent; judged whole when the batch ends. */
        STAGED,
        /** Held: nothing sent. */
        OPEN,
        /** Released by an admin: the operations were queued for their targets. */
        APPROVED,
        /** Discarded by an admin: nothing was sent. */
        REJECTED
    }
}
