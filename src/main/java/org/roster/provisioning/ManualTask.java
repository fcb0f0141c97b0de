package org.roster.provisioning;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An operation for a person to carry out on a system Roster cannot reach.
 *
 * @param operation what to do, e.g. {@code DISABLE legacy-erp} or {@code ADD_ENTITLEMENT legacy-erp approvers}
 * @param detail the account attributes involved, as JSON
 * @param overdue open past its due time
 */
public record ManualTask(String id, String target, String identity, String operation, String detail, String reason,
                         Instant createdAt, Instant dueAt, Status status, @Nullable Instant closedAt,
                         @Nullable String closedBy, @Nullable String note, boolean overdue) {

    public enum Status { OPEN, DONE }
}
