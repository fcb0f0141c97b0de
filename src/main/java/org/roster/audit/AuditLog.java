package org.roster.audit;

import java.time.Clock;
import java.util.List;
import org.roster.audit.internal.AuditRepository;
import org.springframework.stereotype.Service;

/**
 * The append-only audit log. Appends join the caller's transaction, so a decision and its audit
 * record are stored together or not at all. There is no update and no delete.
 */
@Service
public final class AuditLog {

    private final AuditRepository repository;
    private final Clock clock;

    public AuditLog(AuditRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    public void append(AuditEntry entry) {
        repository.insert(clock.instant(), entry);
    }

    /** Appends several entries at once, in order (one batch, for callers that record many together). */
    public void appendAll(List<AuditEntry> entries) {
        if (!entries.isEmpty()) {
            repository.insertAll(clock.instant(), entries);
        }
    }

    /** Records for one identity, oldest first. */
    public List<AuditRecord> forIdentity(String identity, int offset, int limit) {
        return repository.findByIdentity(identity, offset, limit);
    }

    public long countForIdentity(String identity) {
        return repository.countByIdentity(identity);
    }
}
