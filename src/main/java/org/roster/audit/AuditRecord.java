package org.roster.audit;

import java.time.Instant;

/**
 * A stored {@link AuditEntry} with its position in the log, the time it was recorded, and its
 * place in the hash chain ({@code null} for records written before the chain began).
 */
public record AuditRecord(long seq, Instant recordedAt, AuditEntry entry, @org.jspecify.annotations.Nullable String prevHash,
                          @org.jspecify.annotations.Nullable String hash) {
}
