package org.roster.audit;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.roster.audit.internal.AuditRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The append-only audit log. Appends join the caller's transaction, so a decision and its audit
 * record are stored together or not at all. There is no update and no delete.
 *
 * <p>Within a transaction, entries are kept in order and written in one JDBC batch just before
 * the commit (an import of 500 rows writes its 2 000 records at once); an entry appended inside a
 * savepoint that is rolled back is dropped with it. Outside a transaction an entry is written at once.
 */
@Service
public final class AuditLog {

    private final AuditRepository repository;
    private final Clock clock;
    private final org.springframework.transaction.support.TransactionOperations tx;

    public AuditLog(AuditRepository repository, Clock clock, org.springframework.transaction.support.TransactionOperations tx) {
        this.repository = repository;
        this.clock = clock;
        this.tx = tx;
    }

    private static final Object PENDING = new Object();

    public void append(AuditEntry entry) {
        Instant at = clock.instant();
        if (!TransactionSynchronizationManager.isSynchronizationActive()
            || !TransactionSynchronizationManager.isActualTransactionActive()) {
            tx.executeWithoutResult(s -> repository.insertAll(List.of(Map.entry(at, entry))));
            return;
        }
        Pending pending = (Pending) TransactionSynchronizationManager.getResource(PENDING);
        if (pending == null) {
            pending = new Pending();
            TransactionSynchronizationManager.bindResource(PENDING, pending);
            TransactionSynchronizationManager.registerSynchronization(pending);
        }
        pending.add(at, entry);
    }

    /** The current transaction's entries, written before it commits. */
    private final class Pending implements TransactionSynchronization {

        private final List<Map.Entry<Instant, AuditEntry>> entries = new ArrayList<>();
        private final Map<Object, Integer> marks = new IdentityHashMap<>();
        private boolean written;

        void add(Instant at, AuditEntry entry) {
            if (written) {
                // appended by another synchronization's beforeCommit, after this one wrote its batch
                repository.insertAll(List.of(Map.entry(at, entry)));
            } else {
                entries.add(Map.entry(at, entry));
            }
        }

        @Override
        public void savepoint(Object savepoint) {
            marks.put(savepoint, entries.size());
        }

        @Override
        public void savepointRollback(Object savepoint) {
            Integer mark = marks.remove(savepoint);
            if (mark != null && mark < entries.size()) {
                entries.subList(mark, entries.size()).clear();
            }
        }

        @Override
        public void flush() {
            write();
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            write();
            written = true;
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(PENDING);
        }

        private void write() {
            if (!entries.isEmpty()) {
                repository.insertAll(List.copyOf(entries));
                entries.clear();
                marks.replaceAll((savepoint, mark) -> 0);
            }
        }
    }

    /** Appends several entries at once, in order (one batch, for callers that record many together). */
    public void appendAll(List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()
            && TransactionSynchronizationManager.getResource(PENDING) != null) {
            entries.forEach(this::append); // keeps the transaction's order
            return;
        }
        Instant at = clock.instant();
        tx.executeWithoutResult(s -> repository.insertAll(entries.stream().map(e -> Map.entry(at, e)).toList()));
    }

    /** Records matching a query, oldest first, after a sequence number (keyset paging). */
    public List<AuditRecord> find(AuditQuery query, long afterSeq, int limit) {
        return repository.find(query, afterSeq, limit);
    }

    /** The sequence number of the latest record (0 when none): changes whenever anything Roster does is recorded. */
    public long lastSeq() {
        return repository.head().getKey();
    }

    /** Records matching a query, newest first, before a sequence number (keyset paging backwards). */
    public List<AuditRecord> findLatest(AuditQuery query, long beforeSeq, int limit) {
        return repository.findLatest(query, beforeSeq, limit);
    }

    /** Checks the whole hash chain in the store, in bounded memory, and that it ends at the chain's head. */
    public ChainVerifier.Result verify() {
        // The head first: every record up to it is committed; records appended meanwhile are left for next time.
        Map.Entry<Long, String> head = repository.head();
        ChainVerifier verifier = new ChainVerifier();
        repository.forEach(0, 5_000, r -> {
            if (r.seq() <= head.getKey()) {
                verifier.accept(r);
            }
        });
        verifier.expectEnd(head.getKey(), head.getValue());
        repository.expectNoneAfterHead(verifier);
        return verifier.result();
    }

    /** Records for one identity, oldest first. */
    public List<AuditRecord> forIdentity(String identity, int offset, int limit) {
        return repository.findByIdentity(identity, offset, limit);
    }

    public long countForIdentity(String identity) {
        return repository.countByIdentity(identity);
    }
}
