package org.roster.hr;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.hr.internal.QuarantineRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HR records that failed validation, held instead of acted on. Release applies the record (as it
 * is, or corrected) through the path it came by; discard closes it. Both are audited.
 */
@Service
public final class Quarantine {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final QuarantineRepository repository;
    private final WebhookEvents webhooks;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;

    public Quarantine(QuarantineRepository repository, WebhookEvents webhooks, AuditLog audit, TransactionTemplate tx,
                      Clock clock) {
        this.repository = repository;
        this.webhooks = webhooks;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    public List<QuarantinedRecord> list(QuarantinedRecord.@Nullable Status status, int offset, int limit) {
        return repository.list(status, null, offset, limit);
    }

    /**
     * Records in the order they were held, after the one with id {@code after} (null: from
     * {@code offset}): each page read from where the last ended, however many are held. Nothing after
     * an id never held.
     */
    public List<QuarantinedRecord> list(QuarantinedRecord.@Nullable Status status, @Nullable String after, int offset,
                                        int limit) {
        return repository.list(status, after, offset, limit);
    }

    /** HR records quarantined in a period (at most {@code limit}), oldest first. */
    public List<QuarantinedRecord> receivedBetween(java.time.Instant from, java.time.Instant to, int limit) {
        return repository.receivedBetween(from, to, limit);
    }

    public long count(QuarantinedRecord.@Nullable Status status) {
        return repository.count(status);
    }

    public Optional<QuarantinedRecord> find(String id) {
        return repository.find(id);
    }

    /**
     * Applies a quarantined record, replaced by {@code corrected} when given. If it still fails
     * validation it stays open with the new reason, and the failure is thrown.
     */
    public WebhookEvents.Outcome release(String id, @Nullable JsonNode corrected, String actor) {
        QuarantinedRecord q = open(id);
        JsonNode record = corrected != null ? corrected : JSON.readTree(q.record());
        WebhookEvents.Outcome outcome;
        try {
            outcome = tx.execute(status -> {
                WebhookEvents.Outcome applied = webhooks.apply(q.source(), record, actor, id);
                if (!repository.resolve(id, QuarantinedRecord.Status.RELEASED, clock.instant(), actor)) {
                    throw new HrConflictException("status", "quarantined record " + id + " was resolved meanwhile");
                }
                audit.append(new AuditEntry(applied.employeeNumber(), "QUARANTINE_RELEASED", AuditEntry.Stage.REQUEST,
                    actor, null, "quarantined record " + id + " released" + (corrected != null ? " corrected" : ""), null));
                return applied;
            });
        } catch (HrConflictException e) {
            throw e;
        } catch (HrValidationException e) {
            repository.updateFailure(id, record.toString(), e.field(), e.reason());
            throw e;
        }
        if (outcome == null) {
            throw new IllegalStateException("transaction returned nothing");
        }
        return outcome;
    }

    public void discard(String id, String actor) {
        QuarantinedRecord q = open(id);
        tx.executeWithoutResult(status -> {
            if (!repository.resolve(id, QuarantinedRecord.Status.DISCARDED, clock.instant(), actor)) {
                throw new HrConflictException("status", "quarantined record " + id + " was resolved meanwhile");
            }
            audit.append(new AuditEntry(q.employeeNumber(), "QUARANTINE_DISCARDED", AuditEntry.Stage.REQUEST, actor,
                null, "quarantined record " + id + " from " + q.source() + " discarded", null));
        });
    }

    private QuarantinedRecord open(String id) {
        QuarantinedRecord q = repository.find(id).orElseThrow(() -> new HrNotFoundException("quarantined record", id));
        if (q.status() != QuarantinedRecord.Status.OPEN) {
            throw new HrConflictException("status", "quarantined record " + id + " is already " + q.status());
        }
        return q;
    }
}
