package org.roster.hr;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Something in the HR data a person must decide on: for now, a new worker whose personal details
 * match another worker's ({@code REHIRE_MATCH}): probably someone returning under a new employee
 * number, who should not silently become a second identity.
 */
public record HrReview(String id, String kind, String employeeNumber, String related, String detail, Status status,
                       @Nullable String resolution, @Nullable String note, Instant createdAt,
                       @Nullable Instant resolvedAt, @Nullable String resolvedBy) {

    public enum Status { OPEN, RESOLVED }
}
