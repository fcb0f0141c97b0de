package org.roster.certification;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One access a reviewer is asked about, with what they need to decide: why the access exists, since
 * when, when it was last used (where the target says), and how many peers hold it.
 *
 * @param source {@code rule} (birthright policy), {@code exception}, {@code jit}, {@code kept_on_move},
 *     {@code review} (kept after an owner's review), or {@code unplanned} (held, but nothing in Roster grants it)
 * @param why in words: the rules, or the grant with its approver and reason
 * @param grants the standing grants behind it (ended when it is revoked)
 * @param peers how many others with the same department and title hold it; null when not counted
 * @param reviewer who decides: an employee number, {@code token:<name>}, or {@code operators}
 * @param automatic decided at the deadline, not by a person
 */
public record CertificationItem(String id, String campaignId, String identity, String target, String entitlement,
                                boolean privileged, String source, String why, List<String> grants,
                                @Nullable Instant since, @Nullable Instant lastUsedAt, @Nullable Long peers,
                                @Nullable String peerGroup, String reviewer, String reviewerWhy, Status status,
                                @Nullable String decidedBy, @Nullable Instant decidedAt, @Nullable String reason,
                                boolean automatic, Instant dueAt, boolean escalated) {

    public enum Status {
        OPEN, KEPT, REVOKED,
        /** The person left before it was decided: their access went with the employment, nothing to decide. */
        ENDED
    }

    /** The reviewer value for "operators decide". */
    public static final String OPERATORS = "operators";
}
