package org.roster.certification;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One certification campaign.
 *
 * @param definition the configured definition it was started from, if any
 * @param origin {@code SCHEDULE}, {@code API} (on demand) or {@code EVENT} (a micro-certification)
 * @param subject for a micro-certification, the person whose access it reviews
 * @param onDeadline what undecided items become; null: revoked if privileged, kept otherwise
 */
public record Campaign(String id, String name, @Nullable String definition, String origin, @Nullable String description,
                       String scope, List<String> reviewers, CertificationSettings.@Nullable OnDeadline onDeadline,
                       Duration escalateFor, Instant startedAt, String startedBy, Instant dueAt, Status status,
                       @Nullable Instant closedAt, @Nullable String subject, long items, long open) {

    public enum Status {
        /** Items are being generated; not yet shown to reviewers. */
        STARTING,
        /** Reviewers decide. */
        OPEN,
        /** Every item decided, by a person or at the deadline. */
        CLOSED
    }
}
