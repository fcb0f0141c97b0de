package org.roster.store;

import static net.bytebuddy.matcher.ElementMatchers.named;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * The process {@link H2TornCommitTests} kills: it opens an H2 file store the way Roster does, checks
 * that what the last run committed is there whole, then commits from several threads until it is
 * killed.
 *
 * <p>Every transaction of a worker thread takes the next block of a numbered sequence (a head row,
 * as the audit chain does), inserts the block's records and writes its number into its own row of
 * {@value #TABLES} tables; one thread updates all rows of a table in single statements in auto-commit
 * mode. Whole commits leave: the head equal to the last record and to the number of records, each
 * thread's rows equal across the tables, the auto-commit table's rows all equal, and every block
 * acknowledged (printed after its commit returned) present.
 *
 * <p>H2 writes its file by walking its maps one by one while other sessions commit; on a loaded
 * machine that walk is sometimes stopped for a while, and a commit it overlaps can be written half.
 * The drill makes that walk slow on purpose (a pause after each map, injected into H2's
 * {@code MVMap.setWriteVersion}) so that a kill finds such a file within a few runs, not a few hundred.
 *
 * <p>A further thread takes the head's lock and rolls back, over and over. H2 sets a row back and then
 * takes the change out of the undo log; a version written in between makes it set the row back again,
 * over what a worker wrote meanwhile. The drill pauses there too.
 *
 * <p>Arguments: the store directory; {@code guarded} (the store opened as Roster opens it), {@code plain}
 * (H2's own connections, to see the failures prevented) or {@code commits-only} (whole commits, rows
 * left over by a kill not cleared); the file of acknowledged blocks the last run printed; and
 * optionally {@code statements}, to roll back statements that fail as well as whole transactions.
 */
public final class H2TornCommitDrill {

    static final int TABLES = 10;
    static final int THREADS = 8;
    static final int AUTO_ROWS = 16;

    private H2TornCommitDrill() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        boolean guarded = args[1].equals("guarded");
        Path acknowledged = Path.of(args[2]);
        slowStoreWalk();
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl("jdbc:h2:file:" + dir.resolve("store") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
        ds.setUsername("sa");
        ds.setPassword("");
        ds.setMaximumPoolSize(THREADS + 4);
        if (guarded) {
            new StoreDurability().postProcessBeforeInitialization(ds, "dataSource");
        } else {
            ds.setJdbcUrl(StoreDurability.durableH2Url(ds.getJdbcUrl()));
            if (args[1].equals("commits-only")) { // whole commits, but left-over rows not cleared
                ds.setDataSource(H2AtomicCommits.dataSource(ds.getJdbcUrl(), "sa", ""));
            }
        }
        PrintStream out = System.out;
        try (Connection c = ds.getConnection()) {
            createOrCheck(ds, c, acknowledged, out);
        }
        H2Housekeeping.startFor(ds, new SimpleMeterRegistry(), () -> false); // Roster compacts its file while it commits
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            Thread worker = new Thread(() -> commitBlocks(ds, id, out), "drill-" + t);
            worker.start();
        }
        Thread auto = new Thread(() -> updateInAutoCommit(ds), "drill-auto");
        auto.start();
        boolean failingStatements = args.length > 3 && args[3].equals("statements");
        Thread rollbacks = new Thread(() -> rollBack(ds, failingStatements), "drill-rollback");
        rollbacks.start();
        Thread.sleep(Long.MAX_VALUE);
    }

    /** A pause after each map H2 writes: a walk over the maps a busy machine has stopped now and then. */
    private static void slowStoreWalk() {
        new AgentBuilder.Default()
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            .type(named("org.h2.mvstore.MVMap"))
            .transform((builder, type, loader, module, domain) ->
                builder.visit(Advice.to(Pause.class).on(named("setWriteVersion"))))
            .type(named("org.h2.mvstore.tx.RollbackDecisionMaker"))
            .transform((builder, type, loader, module, domain) ->
                builder.visit(Advice.to(RollbackPause.class).on(named("decide"))))
            .installOn(ByteBuddyAgent.install());
    }

    /**
     * The advice on rolling back one change: runs when H2 has set the row back and has not yet taken the
     * change out of the transaction's undo log, a thread a busy machine stopped there.
     */
    public static final class RollbackPause {
        private RollbackPause() {
        }

        @Advice.OnMethodExit
        static void exit() {
            LockSupport.parkNanos(2_000_000);
        }
    }

    /** The advice: runs when H2 has taken one map's root for the version it writes. */
    public static final class Pause {
        private Pause() {
        }

        @Advice.OnMethodExit
        static void exit() {
            LockSupport.parkNanos(100_000);
        }
    }

    private static void createOrCheck(HikariDataSource ds, Connection c, Path acknowledged, PrintStream out) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("create table if not exists chain (id int primary key, last_seq bigint not null check (last_seq >= 0))");
            s.execute("create table if not exists rec (seq bigint primary key, payload varchar(300))");
            s.execute("create table if not exists auto_rows (id int primary key, v bigint not null)");
            s.execute("insert into chain (id, last_seq) select 1, 0 where not exists (select 1 from chain)");
            s.execute("insert into chain (id, last_seq) select 2, 0 where not exists (select 1 from chain where id = 2)");
            s.execute("merge into auto_rows key (id) select n, 0 from system_range(1, " + AUTO_ROWS
                + ") as r(n) where not exists (select 1 from auto_rows)");
            for (int t = 0; t < TABLES; t++) {
                s.execute("create table if not exists t" + t + " (id int primary key, v bigint not null)");
                s.execute("create index if not exists t" + t + "_v on t" + t + " (v)");
                s.execute("merge into t" + t + " key (id) select n, 0 from system_range(0, " + (THREADS - 1)
                    + ") as r(n) where not exists (select 1 from t" + t + ")");
            }
            List<String> problems = new ArrayList<>();
            // from as many transactions at once as ran before the kill: H2 numbers them from the lowest free
            // number, and a row left over by a transaction that never committed shows to the one that reuses it
            List<Connection> sessions = new ArrayList<>();
            try {
                for (int i = 0; i < THREADS + 2; i++) {
                    Connection session = ds.getConnection();
                    session.setAutoCommit(false);
                    sessions.add(session);
                    try (Statement each = session.createStatement()) {
                        check(each, acknowledged, problems, "transaction " + (i + 1));
                    }
                }
            } finally {
                for (Connection session : sessions) {
                    session.rollback();
                    session.close();
                }
            }
            out.println(problems.isEmpty() ? "CHECK ok" : "CHECK " + String.join("; ", problems));
            out.flush();
        }
    }

    private static void check(Statement s, Path acknowledged, List<String> problems, String who) throws Exception {
        long head = single(s, "select last_seq from chain where id = 1");
        long max = single(s, "select coalesce(max(seq), 0) from rec");
        long count = single(s, "select count(*) from rec");
        if (head != max || count != max) {
            problems.add(who + ": chain head " + head + ", last record " + max + ", records " + count);
        }
        for (int id = 0; id < THREADS; id++) {
            StringBuilder q = new StringBuilder("select count(distinct v) from (");
            for (int t = 0; t < TABLES; t++) {
                q.append(t == 0 ? "" : " union all ").append("select v from t").append(t).append(" where id = ").append(id);
            }
            if (single(s, q + ") x") != 1) {
                problems.add(who + ": thread " + id + "'s rows differ between tables");
            }
        }
        if (single(s, "select count(distinct v) from auto_rows") != 1) {
            problems.add(who + ": an auto-commit update kept for some rows only");
        }
        if (Files.exists(acknowledged)) {
            for (String line : Files.readAllLines(acknowledged)) {
                if (!line.isBlank() && single(s, "select count(*) from rec where seq = " + line.trim()) == 0) {
                    problems.add(who + ": acknowledged record " + line.trim() + " missing");
                    break;
                }
            }
        }
    }

    private static long single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void commitBlocks(HikariDataSource ds, int id, PrintStream out) {
        Random random = new Random(id);
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            while (true) {
                try (PreparedStatement lock = c.prepareStatement("update chain set last_seq = last_seq where id = 1");
                     PreparedStatement head = c.prepareStatement("select last_seq from chain where id = 1");
                     PreparedStatement insert = c.prepareStatement("insert into rec (seq, payload) values (?, ?)");
                     PreparedStatement advance = c.prepareStatement("update chain set last_seq = ? where id = 1")) {
                    lock.executeUpdate();
                    long seq;
                    try (ResultSet rs = head.executeQuery()) {
                        rs.next();
                        seq = rs.getLong(1);
                    }
                    long first = seq + 1;
                    int size = 1 + random.nextInt(4);
                    for (int i = 0; i < size; i++) {
                        insert.setLong(1, ++seq);
                        insert.setString(2, "r".repeat(200));
                        insert.addBatch();
                    }
                    insert.executeBatch();
                    for (int t = 0; t < TABLES; t++) {
                        try (PreparedStatement own = c.prepareStatement("update t" + t + " set v = ? where id = ?")) {
                            own.setLong(1, seq);
                            own.setInt(2, id);
                            own.executeUpdate();
                        }
                    }
                    advance.setLong(1, seq);
                    advance.executeUpdate();
                    c.commit();
                    synchronized (out) {
                        out.println("ACK " + first + " " + seq);
                        out.flush();
                    }
                }
            }
        } catch (SQLException e) {
            System.err.println("worker " + id + ": " + e);
        }
    }

    /**
     * Takes the head's lock and rolls back: while H2 sets the head back, a worker waiting for it takes it
     * and commits its block. With {@code failingStatements}, every other time it runs a statement that
     * changes the head and then fails instead (H2 sets back what that statement changed by itself, and the
     * transaction goes on): the case Roster cannot put under the store lock (docs/durability.md).
     */
    private static void rollBack(HikariDataSource ds, boolean failingStatements) {
        try (Connection c = ds.getConnection();
             PreparedStatement lock = c.prepareStatement("update chain set last_seq = last_seq where id = 1");
             PreparedStatement failing = c.prepareStatement(
                 "update chain set last_seq = case when id = 2 then -1 else last_seq end where id in (1, 2)")) {
            c.setAutoCommit(false);
            for (long n = 0; ; n++) {
                if (!failingStatements || n % 2 == 0) {
                    lock.executeUpdate();
                    c.rollback();
                } else {
                    try {
                        failing.executeUpdate();
                        throw new IllegalStateException("the failing statement did not fail");
                    } catch (SQLException expected) {
                        // H2 set back the head this statement changed; the transaction is still open
                    }
                    c.commit();
                }
                LockSupport.parkNanos(1_000_000);
            }
        } catch (SQLException e) {
            System.err.println("rollbacks: " + e);
        }
    }

    private static void updateInAutoCommit(HikariDataSource ds) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            while (true) {
                s.executeUpdate("update auto_rows set v = v + 1");
            }
        } catch (SQLException e) {
            System.err.println("auto-commit updates: " + e);
        }
    }
}
