package org.roster.runtime;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How this instance shares its PostgreSQL database with other Roster instances: alone, or with the
 * other members of a cluster. Without cluster mode an instance runs every background loop itself (a
 * target's dispatch, effective dates, expiry...), so a second one on the same database (a deployment
 * scaled to two replicas, a copy started by hand, one instance of a cluster left without
 * {@code roster.cluster.enabled}) would send every operation twice and fire every date twice.
 *
 * <p>So an instance holds one of PostgreSQL's advisory locks for as long as it runs, on a connection
 * of its own: exclusively without cluster mode, shared in cluster mode. An instance that cannot take
 * it refuses to start, naming the instance that holds it (the lock's session carries the instance id
 * as its {@code application_name}, which {@code pg_stat_activity} shows too) and its address. The
 * lock goes with its session (a killed instance's is released when the server sees its connection
 * close), which also tells the others it was killed ({@link #gone}); should the connection drop (the
 * store restarted, a failover), it is taken again on a new one, and a failure to take it back is
 * logged as an ERROR until it succeeds. H2 needs none of this: its file is opened by one process.
 */
@org.springframework.stereotype.Component
public final class StoreSharing implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StoreSharing.class);

    /** The lock's two keys: "Rost" and "er" in ASCII, Roster's alone among a database's advisory locks. */
    static final int KEY_CLASS = 0x526f7374;
    static final int KEY_OBJECT = 0x6572;
    private static final long CHECK_MILLIS = 5_000;

    private final @Nullable DataSource dataSource;
    private final boolean shared;
    /** The lock's session's {@code application_name}: what another instance refused names this one by. */
    private final String sessionName;
    private final @Nullable Thread keeper;
    private volatile @Nullable Connection held;
    /** When the lock was last taken (System.nanoTime): on a new connection after the store came back, too. */
    private volatile long heldSince;
    private volatile boolean closed;
    private volatile boolean complained;
    /** Since when taking the lock again was refused (System.nanoTime), 0 while it is not. */
    private long refusedSince;
    private static final long GRACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    /**
     * Takes the lock, on PostgreSQL, before anything that depends on this (the leases, and so every
     * background loop) runs.
     *
     * @throws IllegalStateException another instance holds it in the other way (or alone): this one must not start
     */
    public StoreSharing(org.springframework.beans.factory.ObjectProvider<DataSource> dataSource, ClusterSettings cluster) {
        DataSource store = dataSource.getIfAvailable();
        this.shared = cluster.enabled();
        this.sessionName = sessionName(cluster.instanceId());
        if (store == null || !postgres(store)) {
            this.dataSource = null;
            this.keeper = null;
            return;
        }
        this.dataSource = store;
        this.held = take(store, shared, sessionName);
        // no grace at start: the grace is for a store that restarted, ending the others' sessions too
        this.heldSince = System.nanoTime() - java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(2 * CHECK_MILLIS);
        this.keeper = new Thread(this::keep, "roster-store-sharing");
        this.keeper.setDaemon(true);
        this.keeper.start();
    }

    private static boolean postgres(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            return c.isWrapperFor(org.postgresql.PGConnection.class);
        } catch (SQLException e) {
            throw new IllegalStateException("the store could not be reached to tell which it is: " + e.getMessage(), e);
        }
    }

    /** Whether this instance holds the lock now (false on H2, which needs none). */
    public boolean held() {
        return held != null;
    }

    private static Connection take(DataSource dataSource, boolean shared, String sessionName) {
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setAutoCommit(true);
            if (!tryLock(c, shared, sessionName)) {
                String holders = holders(c);
                throw new IllegalStateException(shared
                    ? "roster.cluster.enabled: a Roster instance without cluster mode uses this database (" + holders
                        + "); it runs every loop itself, so the two would send every operation twice. Stop it, or"
                        + " start it with roster.cluster.enabled: true like this one"
                    : "roster.cluster.enabled: another Roster instance uses this database (" + holders + "); without"
                        + " cluster mode each runs every loop itself and would send every operation twice. Run one"
                        + " instance, or set roster.cluster.enabled: true (and a distinct instance-id) on every instance");
            }
            return c;
        } catch (SQLException e) {
            close(c);
            throw new IllegalStateException("the store's instance lock could not be taken: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(c);
            throw e;
        }
    }

    /**
     * PostgreSQL keeps at most 63 bytes of an application name and shows any other character than
     * printable ASCII as {@code ?}: the instance id, cut to fit, with anything else replaced here.
     */
    static String sessionName(String instanceId) {
        String name = "Roster " + instanceId;
        StringBuilder ascii = new StringBuilder(Math.min(name.length(), 63));
        for (int i = 0; i < name.length() && ascii.length() < 63; i++) {
            char ch = name.charAt(i);
            ascii.append(ch >= 0x20 && ch < 0x7f ? ch : '?');
        }
        return ascii.toString();
    }

    /** Names the session after this instance, then tries the lock. */
    private static boolean tryLock(Connection c, boolean shared, String sessionName) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select set_config('application_name', ?, false)")) {
            s.setString(1, sessionName);
            s.executeQuery().close();
        }
        try (PreparedStatement s = c.prepareStatement("select " + (shared ? "pg_try_advisory_lock_shared" : "pg_try_advisory_lock")
            + "(?, ?)")) {
            s.setInt(1, KEY_CLASS);
            s.setInt(2, KEY_OBJECT);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * Which of {@code instances} the store knows to be gone: no session named after them holds the
     * instance lock (a killed instance's session ends as soon as the server reads its connection's
     * close). Empty when this instance cannot tell: on H2, while its own lock is not held (the store
     * may then be out of its reach, not theirs), and for two of its checks after taking it again (a
     * store that restarted ended every instance's session: the others take theirs again within a
     * check; not at this instance's start). An instance named alike by another (ids cut to 63 bytes)
     * counts as alive, so the answer errs towards waiting.
     */
    public java.util.Set<String> gone(java.util.Collection<String> instances) {
        DataSource store = dataSource;
        if (store == null || held == null || instances.isEmpty()
            || System.nanoTime() - heldSince < java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(2 * CHECK_MILLIS)) {
            return java.util.Set.of();
        }
        java.util.Set<String> live = new java.util.HashSet<>();
        try (Connection c = store.getConnection(); PreparedStatement s = c.prepareStatement("""
                select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
                where l.locktype = 'advisory' and l.classid = ? and l.objid = ? and l.objsubid = 2 and l.granted
                  and l.database = (select oid from pg_database where datname = current_database())""")) {
            s.setLong(1, Integer.toUnsignedLong(KEY_CLASS));
            s.setLong(2, KEY_OBJECT);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    live.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            return java.util.Set.of();
        }
        java.util.Set<String> gone = new java.util.HashSet<>();
        for (String instance : instances) {
            if (!live.contains(sessionName(instance))) {
                gone.add(instance);
            }
        }
        return gone;
    }

    /** Who holds the lock now, as PostgreSQL knows them: client address, application name, since when. */
    private static String holders(Connection c) {
        try (PreparedStatement s = c.prepareStatement("""
                select coalesce(host(a.client_addr), 'local socket'), a.application_name, a.backend_start, l.mode
                from pg_locks l join pg_stat_activity a on a.pid = l.pid
                where l.locktype = 'advisory' and l.classid = ? and l.objid = ? and l.objsubid = 2 and l.granted
                  and a.pid <> pg_backend_pid()""")) {
            s.setLong(1, Integer.toUnsignedLong(KEY_CLASS));
            s.setLong(2, KEY_OBJECT);
            StringBuilder found = new StringBuilder();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.append(found.isEmpty() ? "" : "; ").append("client ").append(rs.getString(1))
                        .append(rs.getString(2) == null || rs.getString(2).isBlank() ? "" : " (" + rs.getString(2) + ")")
                        .append(" connected since ").append(rs.getTimestamp(3).toInstant())
                        .append(rs.getString(4).startsWith("Share") ? ", in cluster mode" : ", alone");
                }
            }
            return found.isEmpty() ? "it holds Roster's instance lock" : found.toString();
        } catch (SQLException e) {
            return "it holds Roster's instance lock";
        }
    }

    /** Makes sure the lock's connection answers; on a new connection, takes the lock again. */
    private void keep() {
        DataSource dataSource = java.util.Objects.requireNonNull(this.dataSource);
        while (!closed) {
            try {
                Thread.sleep(CHECK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            Connection c = held;
            try {
                if (c != null && c.isValid(5)) {
                    continue;
                }
            } catch (SQLException e) {
                // as not valid
            }
            close(c);
            held = null;
            try {
                Connection fresh = dataSource.getConnection();
                fresh.setAutoCommit(true);
                if (tryLock(fresh, shared, sessionName)) {
                    held = fresh;
                    heldSince = System.nanoTime();
                    refusedSince = 0;
                    if (complained) {
                        log.info("the store's instance lock is held again");
                        complained = false;
                    }
                } else {
                    String holders = holders(fresh);
                    close(fresh);
                    if (refusedSince == 0) {
                        refusedSince = System.nanoTime();
                    }
                    // this instance's own old session may hold it a while yet: a server that was silent ends
                    // it only once it reads the connection's close
                    if (!complained && System.nanoTime() - refusedSince > GRACE_NANOS) {
                        log.error("the store's instance lock was taken by another Roster instance while this one's"
                            + " connection was down ({}): {}; stop one of them", holders, shared
                            ? "it runs without cluster mode, so the two send every operation twice"
                            : "without cluster mode each runs every loop itself and sends every operation");
                        complained = true;
                    }
                }
            } catch (SQLException | RuntimeException e) {
                log.debug("the store's instance lock not taken again yet: {}", e.getMessage());
            }
        }
    }

    @Override
    @jakarta.annotation.PreDestroy
    public void close() {
        closed = true;
        if (keeper != null) {
            keeper.interrupt();
        }
        Connection c = held;
        held = null;
        if (c != null) {
            // the connection goes back to the pool, its session alive: let the lock go first
            try (PreparedStatement s = c.prepareStatement("select pg_advisory_unlock_all()")) {
                s.executeQuery().close();
            } catch (SQLException e) {
                log.debug("instance lock not let go ({}); it goes with the pool's connections", e.getMessage());
            }
            close(c);
        }
    }

    private static void close(@Nullable Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            log.debug("instance lock connection not closed: {}", e.getMessage());
        }
    }
}
