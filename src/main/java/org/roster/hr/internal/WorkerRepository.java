package org.roster.hr.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.roster.hr.StoredWorker;
import org.roster.hr.Worker;
import org.roster.store.JsonColumns;
import org.roster.store.TransactionBatch;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** JDBC access to {@code hr_worker} (current records) and {@code hr_event} (the append-only HR log). */
@Repository
public class WorkerRepository {

    private static final String COLUMNS = "scim_id, version, created_at, updated_at, record";

    /** What {@link TransactionBatch} knows of: a userName some worker holds, by its lower-cased key. */
    private static final String USER_NAME = "hr_worker.user_name_key";

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;

    private final org.roster.store.StoreKind store;

    public WorkerRepository(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.store = new org.roster.store.StoreKind(batch);
    }

    public Optional<StoredWorker> findById(String id) {
        return jdbc().sql("select " + COLUMNS + " from hr_worker where scim_id = ?").param(id)
            .query(WorkerRepository::map).optional();
    }

    public Optional<StoredWorker> findByEmployeeNumber(String employeeNumber) {
        return jdbc().sql("select " + COLUMNS + " from hr_worker where employee_number = ?").param(employeeNumber)
            .query(WorkerRepository::map).optional();
    }

    /** The manager a worker names, null for none: one link of the chain {@link #managerOf} walks. */
    public record ManagerLink(@org.jspecify.annotations.Nullable String manager) {
    }

    /** What {@link TransactionBatch} remembers: a worker's {@link ManagerLink}, or {@link #NO_WORKER}, by employee number. */
    private static final String MANAGER = "hr_worker.manager";
    private static final Object NO_WORKER = new Object();
    /** What {@link #prefetchExisting} remembers: a worker Roster has, whose manager was not read. */
    private static final Object UNREAD = new Object();

    /**
     * Whether Roster has a worker with this employee number, as this transaction sees it; answered
     * without a statement for those {@link #prefetchExisting} or {@link #prefetchManagers} read and
     * those this transaction wrote since.
     */
    public boolean exists(String employeeNumber) {
        Object known = TransactionBatch.known(MANAGER, employeeNumber);
        return known == null ? managerOf(employeeNumber).isPresent() : known != NO_WORKER;
    }

    /**
     * Reads, in one query, which of these employee numbers Roster has a worker for, and nothing
     * else of them: the managers a batch's new workers name, when no chain above them needs walking
     * ({@code HrRecords.arriving}). Only the key's index is read (a worker's row is a page of its
     * own on H2's file, read for nothing; docs/benchmarks.md).
     */
    public void prefetchExisting(java.util.Collection<String> employeeNumbers) {
        if (employeeNumbers.isEmpty() || !TransactionBatch.inTransaction()) {
            return;
        }
        java.util.Set<String> unknown = new java.util.LinkedHashSet<>();
        for (String en : employeeNumbers) {
            if (TransactionBatch.known(MANAGER, en) == null) {
                unknown.add(en);
            }
        }
        if (unknown.isEmpty()) {
            return;
        }
        java.util.Set<String> present = TransactionBatch.presentEach(jdbc(), store, TABLE, "employee_number", unknown);
        for (String en : unknown) {
            TransactionBatch.remember(MANAGER, en, present.contains(en) ? UNREAD : NO_WORKER);
        }
    }

    /**
     * The manager a worker names, as this transaction sees it; empty when Roster has no worker with
     * this employee number. Answered without a statement for the workers {@link #prefetchManagers}
     * read and those this transaction wrote since (a batch's own new workers, written at its commit,
     * are not written early for it).
     */
    public Optional<ManagerLink> managerOf(String employeeNumber) {
        Object known = TransactionBatch.known(MANAGER, employeeNumber);
        if (known == null || known == UNREAD) {
            Optional<ManagerLink> link = findByEmployeeNumber(employeeNumber).map(WorkerRepository::link);
            TransactionBatch.remember(MANAGER, employeeNumber, link.isPresent() ? link.get() : NO_WORKER);
            return link;
        }
        return known == NO_WORKER ? Optional.empty() : Optional.of((ManagerLink) known);
    }

    /**
     * Reads, level by level, the chains of managers above these workers, up to {@code depth} links
     * (one query a level for all of them, instead of one a worker and a level), so that
     * {@link #managerOf} answers from memory for the rest of this transaction. Outside a
     * transaction nothing is read: nothing could be remembered.
     */
    public void prefetchManagers(java.util.Collection<String> employeeNumbers, int depth) {
        if (!TransactionBatch.inTransaction()) {
            return;
        }
        java.util.Set<String> level = new java.util.LinkedHashSet<>();
        for (String en : employeeNumbers) {
            if (!linkKnown(en)) {
                level.add(en);
            }
        }
        for (int links = 0; links <= depth && !level.isEmpty(); links++) {
            java.util.Set<String> above = new java.util.LinkedHashSet<>();
            java.util.Set<String> found = new java.util.HashSet<>();
            for (List<String> chunk : TransactionBatch.chunks(level)) {
                for (StoredWorker w : findByEmployeeNumbers(chunk)) {
                    ManagerLink link = link(w);
                    TransactionBatch.remember(MANAGER, w.worker().employeeNumber(), link);
                    found.add(w.worker().employeeNumber());
                    if (link.manager() != null && !linkKnown(link.manager())) {
                        above.add(link.manager());
                    }
                }
            }
            for (String en : level) {
                if (!found.contains(en)) {
                    TransactionBatch.remember(MANAGER, en, NO_WORKER);
                }
            }
            level = above;
        }
    }

    /** Whether this transaction knows the worker's manager, or that there is no such worker. */
    private static boolean linkKnown(String employeeNumber) {
        Object known = TransactionBatch.known(MANAGER, employeeNumber);
        return known != null && known != UNREAD;
    }

    private static ManagerLink link(StoredWorker w) {
        return new ManagerLink(w.worker().managerEmployeeNumber());
    }

    /** Several workers at once, by employee number (those Roster knows). */
    public java.util.List<StoredWorker> findByEmployeeNumbers(java.util.Collection<String> employeeNumbers) {
        if (employeeNumbers.isEmpty()) {
            return java.util.List.of();
        }
        return jdbc().sql("select " + COLUMNS + " from hr_worker where employee_number in (:numbers)")
            .param("numbers", java.util.List.copyOf(employeeNumbers)).query(WorkerRepository::map).list();
    }

    /**
     * Several workers at once, locked until the transaction ends, in employee-number order: a batch
     * that will change them reads them this way, so that no one else changes them meanwhile and its
     * updates can wait for its commit ({@link #update}).
     */
    public List<StoredWorker> lockByEmployeeNumbers(java.util.Collection<String> employeeNumbers) {
        if (employeeNumbers.isEmpty()) {
            return List.of();
        }
        List<StoredWorker> locked = jdbc().sql("select " + COLUMNS
                + " from hr_worker where employee_number in (:numbers) order by employee_number for update")
            .param("numbers", List.copyOf(new java.util.TreeSet<>(employeeNumbers))).query(WorkerRepository::map).list();
        locked.forEach(w -> {
            TransactionBatch.remember(LOCKED, w.worker().employeeNumber(), w.version());
            TransactionBatch.remember(MANAGER, w.worker().employeeNumber(), link(w));
        });
        return locked;
    }

    /** What {@link TransactionBatch} remembers: the version of a worker this transaction locked. */
    private static final String LOCKED = "hr_worker.locked";

    /**
     * Reads, in one query, which of these userNames a worker holds, so that
     * {@link #employeeNumberOfUserName} answers for the others without a query in this transaction.
     */
    public void prefetchUserNames(java.util.Collection<String> userNames) {
        TransactionBatch.prefetch(jdbc(), USER_NAME, "select user_name_key from hr_worker where user_name_key in (:keys)",
            userNames.stream().map(u -> u.toLowerCase(Locale.ROOT)).toList());
    }

    /** The employee number holding this userName (compared case-insensitively, as SCIM requires). */
    public Optional<String> employeeNumberOfUserName(String userName) {
        if (TransactionBatch.absent(USER_NAME, userName.toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        return jdbc().sql("select employee_number from hr_worker where user_name_key = ?")
            .param(userName.toLowerCase(Locale.ROOT)).query(String.class).optional();
    }

    /** The employee numbers whose e-mail is this one (compared case-insensitively); more than one is ambiguous. */
    public List<String> employeeNumbersOfEmail(String email) {
        return jdbc().sql("select employee_number from hr_worker where email_key = ? order by employee_number limit 2")
            .param(email.toLowerCase(Locale.ROOT)).query(String.class).list();
    }

    /** How a userName is stored for lookups and uniqueness: whatever its case, one key. */
    public static String userNameKey(org.roster.hr.Worker w) {
        return w.userName().toLowerCase(Locale.ROOT);
    }

    private static @org.jspecify.annotations.Nullable String emailKey(org.roster.hr.Worker w) {
        return w.email() == null || w.email().isBlank() ? null : w.email().toLowerCase(Locale.ROOT);
    }

    /**
     * The worker with exactly this employee number or userName; else workers whose names,
     * department, title, e-mail, userName or employee number contain the text, ignoring case.
     */
    public List<StoredWorker> search(String text, int limit) {
        String lower = text.toLowerCase(Locale.ROOT);
        String like = "%" + lower.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        List<StoredWorker> exact = jdbc().sql("select " + COLUMNS + " from hr_worker where employee_number = ?"
                + " or user_name_key = ?").params(text, lower).query(WorkerRepository::map).list();
        if (!exact.isEmpty()) {
            return exact;
        }
        TransactionBatch.flush(SEARCH);
        List<String> numbers = jdbc().sql("select employee_number from hr_worker_search where search_key like ?"
                + " order by employee_number limit ?").params(like, limit).query(String.class).list();
        List<StoredWorker> found = new java.util.ArrayList<>(findByEmployeeNumbers(numbers));
        found.sort(java.util.Comparator.comparing(w -> w.worker().employeeNumber()));
        return found;
    }

    /** What the people search looks in: names, department, title, e-mail, userName, employee number; lower-cased. */
    public static String searchKey(org.roster.hr.Worker w) {
        StringBuilder key = new StringBuilder();
        for (String part : new String[] {w.employeeNumber(), w.userName(), w.displayName(), w.givenName(), w.familyName(),
                w.email(), w.department(), w.title()}) {
            if (part != null && !part.isBlank()) {
                key.append(part.toLowerCase(Locale.ROOT)).append(' ');
            }
        }
        return key.length() > 2000 ? key.substring(0, 2000) : key.toString();
    }

    public List<StoredWorker> list(int offset, int limit) {
        return jdbc().sql("select " + COLUMNS + " from hr_worker order by employee_number limit ? offset ?")
            .params(limit, offset).query(WorkerRepository::map).list();
    }

    /** Workers the SCIM view shows (not deleted through it), by employee number. */
    public List<StoredWorker> listPresent(int offset, int limit) {
        return jdbc().sql("select " + COLUMNS + " from hr_worker where scim_deleted_at is null"
                + " order by employee_number limit ? offset ?")
            .params(limit, offset).query(WorkerRepository::map).list();
    }

    /** A worker the SCIM view shows: not deleted through it. */
    public Optional<StoredWorker> findPresentById(String id) {
        return jdbc().sql("select " + COLUMNS + " from hr_worker where scim_id = ? and scim_deleted_at is null").param(id)
            .query(WorkerRepository::map).optional();
    }

    /** Whether the worker was deleted through SCIM (and not created again since). */
    public boolean deleted(String id) {
        return jdbc().sql("select count(*) from hr_worker where scim_id = ? and scim_deleted_at is not null").param(id)
            .query(Long.class).single() > 0;
    }

    public void markDeleted(String id, java.time.Instant at) {
        jdbc().sql("update hr_worker set scim_deleted_at = ? where scim_id = ?").params(java.sql.Timestamp.from(at), id)
            .update();
    }

    public void clearDeleted(String id) {
        jdbc().sql("update hr_worker set scim_deleted_at = null where scim_id = ?").param(id).update();
    }

    public long count() {
        return jdbc().sql("select count(*) from hr_worker").query(Long.class).single();
    }

    public void insert(StoredWorker s) {
        insert(s, false);
    }

    /**
     * Adds a worker. With {@code later}, in a transaction the row is written at its commit with the
     * transaction's other new workers (a snapshot batch's in one {@code COPY}), and every method here
     * writes it before reading; a duplicate employee number or userName then fails that read or the
     * commit rather than this call. Without, it is written now and a duplicate fails here.
     */
    public void insert(StoredWorker s, boolean later) {
        forgetKeysOf(s.worker());
        TransactionBatch.remember(MANAGER, s.worker().employeeNumber(), link(s));
        Object[] row = {s.worker().employeeNumber(), s.id(), s.worker().userName(),
            userNameKey(s.worker()), JsonColumns.write(s.worker()), s.version(),
            Timestamp.from(s.created()), Timestamp.from(s.lastModified()), s.worker().matchKey(), emailKey(s.worker())};
        if (later) {
            TransactionBatch.append(batch, TABLE, INSERT_COLUMNS, row);
        } else {
            jdbc().sql("insert into hr_worker (" + INSERT_COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").params(row)
                .update();
        }
        TransactionBatch.append(batch, SEARCH, "employee_number, search_key", s.worker().employeeNumber(),
            searchKey(s.worker()));
    }

    private static final String TABLE = "hr_worker";

    private static final String INSERT_COLUMNS =
        "employee_number, scim_id, user_name, user_name_key, record, version, created_at, updated_at, match_key, email_key";

    /** The table, with the workers this transaction added written first. */
    private JdbcClient jdbc() {
        TransactionBatch.flush(TABLE);
        return jdbc;
    }

    private static final String SEARCH = "hr_worker_search";

    /** A worker written now holds its userName and match key: neither is known absent any more. */
    private static void forgetKeysOf(Worker w) {
        TransactionBatch.forget(USER_NAME, userNameKey(w));
        if (w.matchKey() != null) {
            TransactionBatch.forget(MATCH_KEY, w.matchKey());
        }
    }

    /** What {@link TransactionBatch} knows of: a match key some worker has. */
    private static final String MATCH_KEY = "hr_worker.match_key";

    /**
     * Reads, in one query, which of these match keys a worker has, so that
     * {@link #employeeNumbersWithMatchKey} answers for the others without a query in this transaction.
     */
    public void prefetchMatchKeys(java.util.Collection<String> keys) {
        TransactionBatch.prefetchEach(jdbc(), store, MATCH_KEY, TABLE, "match_key", keys);
    }

    /** Workers (other than {@code except}) whose personal details hash to this key. */
    public List<String> employeeNumbersWithMatchKey(String key, String except) {
        if (TransactionBatch.absent(MATCH_KEY, key)) {
            return List.of();
        }
        return jdbc().sql("select employee_number from hr_worker where match_key = ? and employee_number <> ? order by employee_number")
            .params(key, except).query(String.class).list();
    }

    /**
     * Replaces the record if it is still at {@code expectedVersion}; false if someone else changed it.
     * A worker this transaction locked at that version ({@link #lockByEmployeeNumbers}) cannot have
     * changed: its update is written at the commit, with the transaction's others in one batch.
     */
    public boolean update(StoredWorker s, long expectedVersion) {
        forgetKeysOf(s.worker());
        String employeeNumber = s.worker().employeeNumber();
        Object[] params = {s.worker().userName(), userNameKey(s.worker()), JsonColumns.write(s.worker()), s.version(),
            Timestamp.from(s.lastModified()), s.worker().matchKey(), emailKey(s.worker()), employeeNumber, expectedVersion};
        Long locked = TransactionBatch.known(LOCKED, employeeNumber);
        boolean updated;
        if (locked != null && locked == expectedVersion) {
            // locked at that version by this transaction: nobody else can have changed it
            TransactionBatch.deferUpdate(batch, TABLE, UPDATED_COLUMNS, EMPLOYEE_NUMBER,
                java.util.Arrays.copyOf(params, params.length - 1));
            TransactionBatch.remember(LOCKED, employeeNumber, s.version());
            updated = true;
        } else {
            updated = jdbc().sql(UPDATE).params(params).update() == 1;
        }
        if (updated) { // with the batch's other search rows at the commit (one per worker: distinct keys)
            TransactionBatch.remember(MANAGER, employeeNumber, link(s));
            TransactionBatch.deferUpdate(batch, SEARCH, List.of("search_key"), EMPLOYEE_NUMBER, searchKey(s.worker()),
                employeeNumber);
        }
        return updated;
    }

    /** What {@link #UPDATE} sets, in order: a deferred update sets the same by the employee number alone. */
    private static final List<String> UPDATED_COLUMNS = List.of("user_name", "user_name_key", "record", "version",
        "updated_at", "match_key", "email_key");
    private static final List<String> EMPLOYEE_NUMBER = List.of("employee_number");

    private static final String UPDATE = """
        update hr_worker set user_name = ?, user_name_key = ?, record = ?, version = ?, updated_at = ?, match_key = ?,
            email_key = ?
        where employee_number = ? and version = ?""";

    public void appendEvent(String eventId, String employeeNumber, String source, String changeKind,
                            Instant receivedAt, Worker record) {
        // the HR log is read by nobody before the commit: written with the transaction's others in one batch
        TransactionBatch.append(batch, "hr_event", "id, employee_number, source, change_kind, received_at, record",
            eventId, employeeNumber, source, changeKind, Timestamp.from(receivedAt), JsonColumns.write(record));
    }

    private static StoredWorker map(ResultSet rs, int row) throws SQLException {
        return new StoredWorker(rs.getString("scim_id"), rs.getLong("version"),
            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
            JsonColumns.read(rs.getString("record"), Worker.class));
    }
}
