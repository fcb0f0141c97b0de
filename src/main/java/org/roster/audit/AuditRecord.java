package org.roster.audit;

import java.time.Instant;

/** A stored {@link AuditEntry} with its position in the log and the time it was recorded. */
public record AuditRecord(long seq, Instant recordedAt, AuditEntry entry) {
}
