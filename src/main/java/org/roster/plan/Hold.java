package org.roster.plan;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Operations Roster holds instead of sending, until an admin decides.
 *
 * @param kind {@code GUARD}: more disables from one source on one target than the safety guard
 *     allows; {@code SOD}: additions that would break a segregation-of-duties rule
 * @param plans how many identities' plans are held in it
 */
public record Hold(String id, Kind kind, String source, String target, Status status, String reason,
                   Instant openedAt, @Nullable Instant decidedAt, @Nullable String decidedBy, @Nullable String note,
                   long plans, long operations) {

    public enum Kind { GUARD, SOD }

    public enum Status {
        /** Held: nothing sent. */
        OPEN,
        /** Released by an admin: the operations were queued for their targets. */
        APPROVED,
        /** Discarded by an admin: nothing was sent. */
        REJECTED
    }
}
