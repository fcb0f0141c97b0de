package org.roster.sponsorship;

import java.time.Instant;
import java.time.LocalDate;
import org.jspecify.annotations.Nullable;

/**
 * A person not in HR and who vouches for them.
 *
 * @param endDate the last day of the sponsorship, as agreed
 * @param reviewDeadline while in review: when access ends unless someone takes over
 */
public record Sponsorship(String employeeNumber, String sponsor, LocalDate endDate, Status status,
                          @Nullable String reviewReason, @Nullable Instant reviewDeadline, Instant createdAt,
                          String createdBy) {

    public enum Status {
        /** The sponsor is an active HR worker in the same position. */
        ACTIVE,
        /** The sponsor left or moved: someone must take over before the deadline. */
        REVIEW
    }
}
