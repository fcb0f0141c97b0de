package org.roster.hr;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An HR record from an asynchronous source that failed validation. It changed nothing. An
 * administrator releases it (as it is, or corrected) or discards it.
 *
 * @param record the record as received (for a webhook, the event JSON)
 * @param field the field that failed, as the source names it
 */
public record QuarantinedRecord(String id, String source, @Nullable String messageId, @Nullable String employeeNumber,
                                String record, String field, String reason, Status status, Instant receivedAt,
                                @Nullable Instant resolvedAt, @Nullable String resolvedBy) {

    public enum Status { OPEN, RELEASED, DISCARDED }
}
