package org.roster.store;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.SQLExceptionOverride;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.api.ErrorCode;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.db.Store;
import org.h2.mvstore.tx.Transaction;
import org.h2.mvstore.tx.TransactionStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Makes a commit to an H2 file store all or nothing on disk, whenever the process is killed.
 *
 * <p>H2 writes a version of its file by taking each of its maps' roots (one map per table and per
 * index) one after another, while other sessions go on changing and committing
 * (h2database/h2database#2080, open). A transaction commits by marking its undo log committed,
 * then marking its changed rows committed one at a time, then clearing its undo log. A version
 * written while that runs can hold some of its rows committed, others still marked with the
 * transaction, and no undo log to say it committed: opened after a {@code kill -9} that came before
 * the next version was written, H2 keeps the first and reads the others as never written. Roster
 * saw it as audit records kept while the update of the chain head in the same transaction was lost
 * (docs/durability.md), after which no audit record could be written.
 *
 * <p>H2 writes every version under its store lock. Here each commit runs under that lock too,
 * so no version is written while a commit is half done. A commit waits for a version being
 * written, and a version for a commit; with {@code WRITE_DELAY=0} every commit writes a version
 * under that lock anyway, so the commits were already one at a time. Three ways commit:
 * {@link Connection#commit()}, {@link Connection#setAutoCommit} back to {@code true} with changes
 * pending, and a statement that changes something run in auto-commit mode, which H2 commits inside
 * the statement: that one is run as a transaction of its own here, committed under the lock.
 *
 * <p>Each rollback runs under the store lock too ({@link Connection#rollback()}, to a savepoint,
 * and the one {@link Connection#close()} does with a transaction pending). H2 rolls back one change
 * at a time, inside an operation on the transaction's undo log: it sets the row back, and then takes
 * the change out of the undo log. If a version is written in between, the undo log's operation
 * starts again and sets the row back a second time, over whatever another transaction wrote to it
 * meanwhile (a transaction that comes for the row while the rollback runs takes it as soon as it is
 * set back): that transaction's change is lost although it commits. Roster saw the chain head's move lost so while
 * the audit records of the same commit stayed (docs/durability.md). Under the lock no version is
 * written while a rollback runs. H2 also rolls back by itself what a statement that fails changed;
 * that one cannot be put under the lock from here. A commit waits, before it takes the lock and again
 * under it, until no transaction is rolling back, so that no commit starts a version while such a
 * rollback runs; one that starts while a version is being written is not covered (docs/durability.md).
 *
 * <p>Not covered: DDL, which H2 commits inside the statement (Roster runs it only in its
 * migrations, at start, before anything else uses the store).
 */
final class H2AtomicCommits {

    /** Statement methods that can change data, and so commit when the connection is in auto-commit mode. */
    private static final Set<String> CHANGES = Set.of("execute", "executeUpdate", "executeLargeUpdate",
        "executeBatch", "executeLargeBatch");

    private static final org.slf4j.Logger log = LoggerFactory.getLogger(H2AtomicCommits.class);

    /** How long a commit waits for rollbacks to end before it goes ahead (one takes microseconds to milliseconds). */
    private static final long ROLLBACK_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static volatile boolean warnedRollbackWait;

    private H2AtomicCommits() {
    }

    /** An H2 data source over {@code url} whose connections commit as described above. */
    static DataSource dataSource(String url, @Nullable String user, @Nullable String password) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        h2.setUser(user == null ? "" : user);
        h2.setPassword(password == null ? "" : password);
        return new Guarded(h2);
    }

    /**
     * Tells {@code pool} to drop a connection whose store H2 closed (a write to its file failed), and
     * every other it holds: they can only fail from then on, and H2 still says they are valid. The
     * pool then opens new ones, which open the store again ({@link Guarded}); a connection in use is
     * dropped when it is given back. H2 says the store is closed as "The database has been closed",
     * or, to a session that was in a transaction, as the failed write itself.
     */
    static SQLExceptionOverride closedStore(HikariDataSource pool) {
        return new SQLExceptionOverride() {
            @java.lang.Override
            public Override adjudicate(SQLException e) {
                if (!storeClosed(e)) {
                    return Override.CONTINUE_EVICT;
                }
                HikariPoolMXBean connections = pool.getHikariPoolMXBean();
                if (connections != null) {
                    connections.softEvictConnections();
                }
                return Override.MUST_EVICT;
            }
        };
    }

    private static boolean storeClosed(SQLException e) {
        if (e.getErrorCode() == ErrorCode.DATABASE_IS_CLOSED) {
            return true;
        }
        Throwable t = e.getCause();
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (t instanceof MVStoreException m
                && (m.getErrorCode() == DataUtils.ERROR_WRITING_FAILED || m.getErrorCode() == DataUtils.ERROR_CLOSED)) {
                return true;
            }
        }
        return false;
    }

    /** {@code c} with its commits under the store lock; {@code c} itself if it is not an embedded H2 file store. */
    static Connection guard(Connection c) throws SQLException {
        Store store = fileStore(c);
        if (store == null) {
            return c;
        }
        SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
        return (Connection) Proxy.newProxyInstance(H2AtomicCommits.class.getClassLoader(),
            new Class<?>[] {Connection.class}, new ConnectionHandler(c, session, store));
    }

    private static @Nullable Store fileStore(Connection c) throws SQLException {
        if (!c.isWrapperFor(JdbcConnection.class)
            || !(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
            return null;
        }
        Store store = session.getDatabase().getStore();
        if (store == null || store.getMvStore().getFileStore() == null || store.getMvStore().isReadOnly()) {
            return null;
        }
        return store;
    }

    /**
     * Runs {@code commit} under H2's store lock once no transaction of the store is rolling back,
     * waiting outside the lock (a rollback may need it); what it throws is thrown from here, unchanged.
     */
    static @Nullable Object commit(Store store, SqlAction commit) throws Throwable {
        TransactionStore transactions = store.getTransactionStore();
        long since = System.nanoTime();
        while (true) {
            boolean gaveUp = awaitRollbacks(transactions, since);
            boolean[] ran = new boolean[1];
            Object result = underStoreLock(store.getMvStore(), () -> {
                if (!gaveUp && rollingBack(transactions)) {
                    return null; // one started while this commit waited for the lock: wait again, outside it
                }
                ran[0] = true;
                return commit.run();
            });
            if (ran[0]) {
                return result;
            }
        }
    }

    /** Waits while a transaction of the store rolls back; true if it gave up waiting. */
    private static boolean awaitRollbacks(TransactionStore transactions, long since) {
        while (rollingBack(transactions)) {
            if (System.nanoTime() - since > ROLLBACK_WAIT_NANOS) {
                if (!warnedRollbackWait) {
                    warnedRollbackWait = true;
                    log.warn("store: a commit waited {} s for H2 rollbacks to end and went ahead (docs/durability.md)",
                        TimeUnit.NANOSECONDS.toSeconds(ROLLBACK_WAIT_NANOS));
                }
                return true;
            }
            LockSupport.parkNanos(20_000);
        }
        return false;
    }

    /**
     * Whether a transaction of the store is rolling back, whole or to a savepoint. H2 keeps those two
     * statuses private: any status but its four public ones.
     */
    static boolean rollingBack(TransactionStore transactions) {
        for (Transaction t : transactions.getOpenTransactions()) {
            int status = t.getStatus();
            if (status != Transaction.STATUS_OPEN && status != Transaction.STATUS_COMMITTED
                && status != Transaction.STATUS_PREPARED && status != Transaction.STATUS_CLOSED) {
                return true;
            }
        }
        return false;
    }

    @FunctionalInterface
    private interface SqlAction {
        @Nullable Object run() throws Throwable;
    }

    /** Runs {@code action} holding H2's store lock; what it throws is thrown from here, unchanged. */
    static @Nullable Object underStoreLock(MVStore store, SqlAction action) throws Throwable {
        Object[] result = new Object[1];
        Throwable[] failed = new Throwable[1];
        boolean[] ran = new boolean[1];
        try {
            // H2 treats anything thrown from the operation as fatal to the store: nothing is let out of it
            store.executeFilestoreOperation(() -> {
                ran[0] = true;
                try {
                    result[0] = action.run();
                } catch (Throwable t) {
                    failed[0] = t;
                }
            });
        } catch (MVStoreException closed) {
            if (!ran[0]) {
                return action.run(); // the store was closed (the database is shutting down): the commit says so itself
            }
            // it ran, and the store failed for another reason as the lock was let go: what it did stands
        }
        if (failed[0] != null) {
            throw failed[0];
        }
        return result[0];
    }

    /** A wrapper equals itself only, as the object it wraps does. */
    private static Object identity(Object proxy, String method, Object @Nullable [] args) {
        return method.equals("hashCode") ? System.identityHashCode(proxy) : args != null && proxy == args[0];
    }

    private static Object call(Object target, Method method, Object @Nullable [] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * A connection's handler. A commit or rollback with nothing changed writes nothing and needs
     * no lock: a transaction that only read (most of them) neither waits for a version nor holds one up.
     */
    private record ConnectionHandler(Connection physical, SessionLocal session, Store store) implements InvocationHandler {

        @Override
        public @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] args) throws Throwable {
            String name = method.getName();
            if (name.equals("equals") || name.equals("hashCode")) {
                return identity(proxy, name, args);
            }
            if (name.equals("commit") && args == null) {
                return end(true, () -> call(physical, method, null));
            }
            if (name.equals("setAutoCommit") && args != null && Boolean.TRUE.equals(args[0]) && !physical.getAutoCommit()) {
                return end(true, () -> call(physical, method, args));
            }
            if (name.equals("rollback")) {
                return end(false, () -> call(physical, method, args));
            }
            if (name.equals("close") && args == null && !physical.isClosed() && session.containsUncommitted()) {
                end(false, () -> {
                    physical.rollback(); // what H2's close would do with the transaction, under the lock
                    return null;
                });
            }
            if (name.equals("unwrap") && args != null && ((Class<?>) args[0]).isInstance(proxy)) {
                return proxy;
            }
            if (name.equals("isWrapperFor") && args != null && ((Class<?>) args[0]).isInstance(proxy)) {
                return true;
            }
            if (name.equals("isValid") && (store.getMvStore().isClosed() || store.getMvStore().getPanicException() != null)) {
                return false; // H2 says true of a session whose store it closed after a failed write
            }
            Object result = call(physical, method, args);
            if (result instanceof Statement statement) {
                Class<?> type = statement instanceof CallableStatement ? CallableStatement.class
                    : statement instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
                return Proxy.newProxyInstance(H2AtomicCommits.class.getClassLoader(), new Class<?>[] {type},
                    new StatementHandler(statement, (Connection) proxy, this));
            }
            return result;
        }

        /**
         * Ends the transaction with {@code end}, a commit or a rollback: under the store lock (a commit once
         * no rollback runs) if it changed something, as it is if not.
         */
        @Nullable Object end(boolean commit, SqlAction end) throws Throwable {
            if (!session.containsUncommitted()) {
                return end.run();
            }
            return commit ? H2AtomicCommits.commit(store, end) : underStoreLock(store.getMvStore(), end);
        }

        /** A change made in auto-commit mode, as a transaction of its own committed under the store lock. */
        @Nullable Object changeInAutoCommit(SqlAction change) throws Throwable {
            physical.setAutoCommit(false);
            try {
                Object result = change.run();
                end(true, () -> {
                    physical.commit();
                    return null;
                });
                return result;
            } catch (Throwable t) {
                try {
                    end(false, () -> {
                        physical.rollback();
                        return null;
                    });
                } catch (Throwable suppressed) {
                    t.addSuppressed(suppressed);
                }
                throw t;
            } finally {
                physical.setAutoCommit(true);
            }
        }
    }

    private record StatementHandler(Statement statement, Connection connection, ConnectionHandler handler)
        implements InvocationHandler {

        @Override
        public @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] args) throws Throwable {
            String name = method.getName();
            if (name.equals("equals") || name.equals("hashCode")) {
                return identity(proxy, name, args);
            }
            if (CHANGES.contains(name) && handler.physical().getAutoCommit()) {
                return handler.changeInAutoCommit(() -> call(statement, method, args));
            }
            if (name.equals("getConnection")) {
                return connection;
            }
            if (name.equals("unwrap") && args != null && ((Class<?>) args[0]).isInstance(proxy)) {
                return proxy;
            }
            if (name.equals("isWrapperFor") && args != null && ((Class<?>) args[0]).isInstance(proxy)) {
                return true;
            }
            return call(statement, method, args);
        }
    }

    /**
     * The H2 data source, handing out guarded connections, one at a time.
     *
     * <p>When a write to the store's file fails (its disk is full), H2 closes the store: every
     * session of it fails from then on ("The database has been closed"). The next connection opens
     * the file again, as it was at its last whole version, which is how a killed process leaves it,
     * with the same rows of unfinished transactions left over (docs/durability.md). So before that
     * connection is handed out, and before any other can be opened, they are cleared, as at start
     * after a kill ({@link H2Leftovers}).
     */
    private static final class Guarded implements DataSource {

        private final JdbcDataSource h2;
        private @Nullable MVStore opened;

        Guarded(JdbcDataSource h2) {
            this.h2 = h2;
        }

        @Override
        public synchronized Connection getConnection() throws SQLException {
            return guard(reopened(h2.getConnection()));
        }

        @Override
        public synchronized Connection getConnection(String username, String password) throws SQLException {
            return guard(reopened(h2.getConnection(username, password)));
        }

        /** {@code c}, with what a failed write left in the store cleared first if H2 opened it again for {@code c}. */
        private Connection reopened(Connection c) throws SQLException {
            Store store = fileStore(c);
            if (store == null) {
                return c;
            }
            MVStore now = store.getMvStore();
            MVStore before = opened;
            if (before != null && before != now && before.getPanicException() != null) {
                long start = System.nanoTime();
                try {
                    long cleared = H2Leftovers.clear(c);
                    int restarted = H2Leftovers.restartIdentitiesBehind(c);
                    log.warn("store: H2 closed the store when a write to its file failed ({}); opened again, {} row(s) of"
                            + " transactions that never committed cleared, {} identity column(s) restarted, in {} ms",
                        StoreUnreachable.describe(before.getPanicException()), cleared, restarted,
                        (System.nanoTime() - start) / 1_000_000);
                } catch (SQLException | RuntimeException e) {
                    c.close();
                    // said as a connection not made: the store is unavailable until this succeeds
                    throw new SQLException("the H2 store was opened again after a failed write, but what it left could not"
                        + " be cleared: " + e.getMessage(), "08001", e);
                }
            }
            opened = now;
            return c;
        }

        @Override
        public PrintWriter getLogWriter() {
            return h2.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            h2.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) {
            h2.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() {
            return h2.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return h2.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return iface.isInstance(this) ? iface.cast(this) : h2.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return iface.isInstance(this) || h2.isWrapperFor(iface);
        }
    }
}
