package org.roster.certification;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A campaign's evidence.
 *
 * @param decisions per outcome: {@code KEPT}, {@code REVOKED}, and the same decided at the deadline
 *     ({@code KEPT_AT_DEADLINE}, {@code REVOKED_AT_DEADLINE}), and {@code ENDED} (the person left first)
 * @param revocations the revoked items (at most 1 000) and when their target acknowledged the removal
 * @param overdue items still open past their due time
 * @param fastDecisions reviewers whose decisions came too fast to have been looked at
 */
public record CampaignReport(Campaign campaign, Instant generatedAt, List<ReviewerProgress> reviewers,
                             Map<String, Long> decisions, List<Revocation> revocations, long overdue,
                             List<FastDecisions> fastDecisions) {

    /** One reviewer's progress. */
    public record ReviewerProgress(String reviewer, long items, long decided, long atDeadline, double completion) {
    }

    /**
     * A revoked item.
     *
     * @param acknowledgedAt when the target acknowledged taking the access away (null while pending)
     * @param took from the decision to the acknowledgement
     */
    public record Revocation(String item, String identity, String target, String entitlement, String decidedBy,
                             Instant decidedAt, boolean atDeadline, @Nullable Instant acknowledgedAt,
                             @Nullable Duration took) {
    }

    /** {@code count} decisions by one reviewer between {@code from} and {@code to}. */
    public record FastDecisions(String reviewer, int count, Instant from, Instant to) {
    }
}
