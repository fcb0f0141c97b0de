package org.roster.lifecycle.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.roster.lifecycle.Identity;
import org.roster.lifecycle.LifecycleState;
import org.roster.lifecycle.Transition;
import org.roster.lifecycle.TransitionKind;
import org.roster.store.JsonColumns;
import org.roster.store.StoreKind;
import org.roster.store.TransactionBatch;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;

/** JDBC access to {@code identity} and {@code lifecycle_event}. */
@Repository
public class IdentityRepository {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    /** What {@link TransactionBatch} knows of: an identity, by employee number. */
    private static final String IDENTITY = "identity.employee_number";
    private static final String TABLE = "identity";
    private static final String TRANSITIONS = "lifecycle_event";

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final StoreKind store;

    public IdentityRepository(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.store = new StoreKind(batch);
    }

    /**
     * Locks, in one statement, the identities among these that exist, and reads them, so that
     * {@link #findForUpdate} answers for every one of them without a statement in this transaction
     * (the locks are held until it ends, as {@link #findForUpdate}'s are). Rows are locked in
     * employee-number order.
     *
     * @return the employee numbers of the identities that exist
     */
    public List<String> lockExisting(java.util.Collection<String> employeeNumbers) {
        if (employeeNumbers.isEmpty() || !TransactionBatch.inTransaction()) {
            return List.of();
        }
        java.util.SortedSet<String> keys = new java.util.TreeSet<>(employeeNumbers);
        List<String> existing = new java.util.ArrayList<>();
        for (List<String> chunk : TransactionBatch.chunks(keys)) {
            List<Identity> found;
            if (store.postgres()) {
                found = jdbc().sql(LOCK_EACH).param(new org.springframework.jdbc.support.SqlArrayValue("varchar",
                    chunk.toArray())).query(IdentityRepository::map).list();
            } else { // as in findForUpdate: H2 takes the locks by a no-op update
                jdbc().sql("update identity set epoch = epoch where employee_number in (:keys)").param("keys", chunk)
                    .update();
                found = jdbc().sql("select * from identity where employee_number in (:keys) order by employee_number")
                    .param("keys", chunk).query(IdentityRepository::map).list();
            }
            found.forEach(i -> {
                existing.add(i.employeeNumber());
                TransactionBatch.remember(LOCKED, i.employeeNumber(), i);
            });
        }
        TransactionBatch.knownAbsent(IDENTITY, keys, existing);
        return existing;
    }

    /**
     * On PostgreSQL, each key looked up and locked through the primary key, one after the other in the
     * order given (employee-number order). Not {@code employee_number in (...) for update}: for a
     * batch of 500 keys PostgreSQL's cost model prices 500 index lookups above one read of a table
     * of up to some 250 000 rows, and so read the whole table for every batch of an import while it
     * was that small, to find the new workers' keys absent (4 to 6 ms a batch, 2.7 s of a
     * million-row first import; docs/benchmarks.md). A subquery that locks cannot be turned into a
     * join, so each key is one index lookup whatever the statistics say.
     */
    private static final String LOCK_EACH = "select i.* from unnest(?) as k (employee_number) cross join lateral "
        + "(select * from identity where employee_number = k.employee_number for update) i order by i.employee_number";

    /** What {@link TransactionBatch} remembers: an identity this transaction locked, as it now stands. */
    private static final String LOCKED = "identity.locked";

    public Optional<Identity> find(String employeeNumber) {
        return jdbc().sql("select * from identity where employee_number = ?").param(employeeNumber)
            .query(IdentityRepository::map).optional();
    }

    /**
     * Reads and locks the identity's row until the transaction ends, so that an HR change and an
     * effective date arriving at once for the same identity are applied one after the other.
     * On PostgreSQL one {@code select ... for update}; on H2, which parses a locking query again on
     * every call (it does not cache them), a no-op update takes the lock and a select reads the row.
     * An identity {@link #lockExisting} locked in this transaction costs no statement.
     */
    public Optional<Identity> findForUpdate(String employeeNumber) {
        if (TransactionBatch.absent(IDENTITY, employeeNumber)) {
            return Optional.empty(); // no row to lock: the worker's own row, inserted in this transaction, is the lock
        }
        Identity locked = TransactionBatch.known(LOCKED, employeeNumber);
        if (locked != null) {
            return Optional.of(locked);
        }
        Optional<Identity> found;
        if (store.postgres()) {
            found = jdbc().sql("select * from identity where employee_number = ? for update").param(employeeNumber)
                .query(IdentityRepository::map).optional();
        } else if (jdbc().sql("update identity set epoch = epoch where employee_number = ?").param(employeeNumber)
            .update() == 0) {
            found = Optional.empty();
        } else {
            found = jdbc().sql("select * from identity where employee_number = ?").param(employeeNumber)
                .query(IdentityRepository::map).optional();
        }
        found.ifPresent(i -> TransactionBatch.remember(LOCKED, employeeNumber, i));
        return found;
    }

    /** Keyset paging along the identity_state index: each page costs its own rows, however deep. */
    /** In employee-number order after {@code after} ({@code ""}: from the first), of one state or of any. */
    public List<Identity> listAfter(@Nullable LifecycleState state, String after, int limit) {
        if (state == null) {
            return jdbc().sql("select * from identity where employee_number > ? order by employee_number limit ?")
                .params(after, limit).query(IdentityRepository::map).list();
        }
        return jdbc().sql("select * from identity where state = ? and employee_number > ? order by state, employee_number limit ?")
            .params(state.name(), after, limit).query(IdentityRepository::map).list();
    }

    public List<Identity> list(@Nullable LifecycleState state, int offset, int limit) {
        if (state == null) {
            return jdbc().sql("select * from identity order by employee_number limit ? offset ?")
                .params(limit, offset).query(IdentityRepository::map).list();
        }
        return jdbc().sql("select * from identity where state = ? order by employee_number limit ? offset ?")
            .params(state.name(), limit, offset).query(IdentityRepository::map).list();
    }

    public long count(@Nullable LifecycleState state) {
        if (state == null) {
            return jdbc().sql("select count(*) from identity").query(Long.class).single();
        }
        return jdbc().sql("select count(*) from identity where state = ?").param(state.name()).query(Long.class).single();
    }

    /**
     * Adds an identity. In a transaction the row is written at its commit, with the others of the
     * transaction (a batch of new workers costs one statement, not one per worker); every other method
     * here writes it first, so the transaction reads what it added.
     */
    public void insert(Identity i) {
        TransactionBatch.forget(IDENTITY, i.employeeNumber());
        TransactionBatch.forget(LOCKED, i.employeeNumber());
        TransactionBatch.append(batch, TABLE, "employee_number, state, epoch, created_at, updated_at", i.employeeNumber(), i.state().name(), i.epoch(), Timestamp.from(i.created()), Timestamp.from(i.updated()));
    }

    /** The identity table, with the identities this transaction added written first. */
    private JdbcClient jdbc() {
        TransactionBatch.flush(TABLE);
        return jdbc;
    }

    /**
     * Changes a locked identity's state. In a transaction the statement runs at its commit, with the
     * transaction's other changes of identities in one batch (each identity is locked by one
     * transaction at a time, and its changes run in the order made); every other method here runs
     * them first, so the transaction reads what it changed.
     */
    public void update(Identity i) {
        TransactionBatch.deferUpdate(batch, TABLE, List.of("state", "epoch", "updated_at"), List.of("employee_number"),
            i.state().name(), i.epoch(), Timestamp.from(i.updated()), i.employeeNumber());
        if (TransactionBatch.known(LOCKED, i.employeeNumber()) != null) {
            TransactionBatch.remember(LOCKED, i.employeeNumber(), i);
        }
    }

    /** Appends to the lifecycle log, which nobody reads before the commit: written in one batch with the transaction's others. */
    public void appendTransition(String employeeNumber, Transition t) {
        TransactionBatch.append(batch, TRANSITIONS,
            "employee_number, kind, from_state, to_state, changes, hr_event_id, effective_at, occurred_at, late_ms",
            employeeNumber, t.kind().name(), t.from() == null ? null : t.from().name(), t.to().name(),
                JsonColumns.write(t.changes()), t.hrEventId(),
                t.effectiveAt() == null ? null : Timestamp.from(t.effectiveAt()), Timestamp.from(t.occurredAt()),
                t.late() == null ? null : t.late().toMillis());
    }

    /** Transitions that happened in a period, counted by kind. */
    public java.util.Map<String, Long> countTransitions(java.time.Instant from, java.time.Instant to) {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        TransactionBatch.flush(TRANSITIONS);
        jdbc.sql("select kind, count(*) from lifecycle_event where occurred_at >= ? and occurred_at < ? group by kind")
            .params(Timestamp.from(from), Timestamp.from(to))
            .query((java.sql.ResultSet rs) -> {
                counts.put(rs.getString(1), rs.getLong(2));
            });
        return counts;
    }

    public List<Transition> transitions(String employeeNumber) {
        TransactionBatch.flush(TRANSITIONS);
        return jdbc.sql("select * from lifecycle_event where employee_number = ? order by seq").param(employeeNumber)
            .query((rs, n) -> {
                String from = rs.getString("from_state");
                Timestamp effective = rs.getTimestamp("effective_at");
                long late = rs.getLong("late_ms");
                Duration lateBy = rs.wasNull() ? null : Duration.ofMillis(late);
                return new Transition(rs.getLong("seq"), TransitionKind.valueOf(rs.getString("kind")),
                    from == null ? null : LifecycleState.valueOf(from), LifecycleState.valueOf(rs.getString("to_state")),
                    JsonColumns.read(rs.getString("changes"), STRINGS), rs.getString("hr_event_id"),
                    effective == null ? null : effective.toInstant(), rs.getTimestamp("occurred_at").toInstant(), lateBy);
            }).list();
    }

    private static Identity map(ResultSet rs, int row) throws SQLException {
        return new Identity(rs.getString("employee_number"), LifecycleState.valueOf(rs.getString("state")),
            rs.getInt("epoch"), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
