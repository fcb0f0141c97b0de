package org.roster.runtime;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.roster.store.StoreClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Leases in the store ({@code lease}): which instance runs each background loop, when several share
 * one PostgreSQL. A loop works only while its instance holds the loop's lease; the holder renews it
 * every {@code min(lease-ttl / 3, 5 s)}, and another instance takes it once it has run out (an
 * instance that stopped without a word), after two missed renewals when the store no longer has a
 * session of the holder's (it was killed: {@link StoreSharing#gone}), or at once when the holder lets
 * it go on a clean stop. Each taking counts up the lease's {@code fence}, so a record of who ran
 * what can tell holders apart.
 *
 * <p>Leases are shared out: each instance renews a membership lease ({@code member:<id>}) too, and
 * holds at most its share of the loops (their number over the live members, rounded up). An instance
 * over its share gives the extra leases up between two passes of their loops, so a newcomer takes
 * them without two instances ever running one loop's pass at once.
 *
 * <p>Instances wake each other's loops: a loop woken here whose lease another instance holds is
 * announced on PostgreSQL's {@code LISTEN/NOTIFY} channel {@code roster_wake}, and every instance
 * wakes its own loop of that name. With {@code roster.cluster.enabled} off every loop runs here and
 * the store is never asked.
 */
@Component
public class Leases {

    private static final Logger log = LoggerFactory.getLogger(Leases.class);

    /**
     * In cluster mode the longest a loop sleeps: a wake-up from another instance can be missed (while
     * the listening connection is re-opened, or on a store without {@code NOTIFY}), so it looks again
     * this often.
     */
    static final long POLL_MILLIS = 2_000;
    private static final String CHANNEL = "roster_wake";
    /** How often the wake-up listener makes sure its connection still answers. */
    private static final long CHECK_LISTENER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    private static final String MEMBER = "member:";

    private final JdbcClient jdbc;
    private final ClusterSettings settings;
    private final Clock clock;
    private final @Nullable DataSource dataSource;
    /** The store's instance lock, on PostgreSQL: held while this instance runs, let go after the loops stop. */
    private final StoreSharing sharing;
    /** The loops' leases held here. */
    private final Map<String, Instant> held = new ConcurrentHashMap<>();
    /** Leases over this instance's share, let go when their loop next asks. */
    private final Set<String> givingUp = ConcurrentHashMap.newKeySet();
    /**
     * When this instance last asked the store for a lease another instance held, by name: it asks
     * again {@link #retryMillis()} later, or at once when told the lease was let go ({@link #freed}),
     * not at every wake-up of the loop (its holder has the work announced to it).
     */
    private final Map<String, Long> refusedAt = new ConcurrentHashMap<>();
    /** Leases another instance let go since this one last asked for them ({@link #release}'s announcement). */
    private final Set<String> freed = ConcurrentHashMap.newKeySet();
    /** The loops of this instance, by name: what a wake-up from another instance wakes. */
    private final Map<String, Runnable> loops = new ConcurrentHashMap<>();
    private volatile int share = Integer.MAX_VALUE;
    private volatile boolean notifies;
    private volatile boolean closed;
    /** What the wake-up listener says of a store outage: once when it goes, once when it is back. */
    private final org.roster.store.StoreOutageLog listenerOutage = new org.roster.store.StoreOutageLog(log,
        "wake-up listener", "listening again once it is back (leases are polled meanwhile)", "wake-up listener: listening again");
    /** What the renewals say of a store outage; set in the constructor, which knows the instance. */
    private final org.roster.store.StoreOutageLog renewalOutage;

    /** Renews the leases held here every {@link ClusterSettings#renewEvery()}, however long a loop's pass runs. */
    private final java.util.concurrent.ScheduledExecutorService keeper;

    Leases(JdbcClient jdbc, ClusterSettings settings, Clock clock,
           org.springframework.beans.factory.ObjectProvider<DataSource> dataSource, StoreSharing sharing) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.clock = clock;
        // taken before any loop runs: alone on this PostgreSQL database, or with the other members of a cluster
        this.sharing = sharing;
        this.dataSource = settings.enabled() ? dataSource.getIfAvailable() : null;
        this.renewalOutage = new org.roster.store.StoreOutageLog(log, "leases of " + settings.instanceId() + " not renewed",
            "they run out unless it is back in time", "leases of " + settings.instanceId() + " renewed again: the store is reachable");
        this.keeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "roster-lease-keeper");
            t.setDaemon(true);
            return t;
        });
        if (settings.enabled()) {
            long every = settings.renewEvery().toMillis();
            keeper.scheduleWithFixedDelay(this::renewAll, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (this.dataSource != null && sharing.held()) { // held only on PostgreSQL, which has notifications
                notifies = true;
                Thread listener = new Thread(this::listen, "roster-lease-listener");
                listener.setDaemon(true);
                listener.start();
            }
        }
    }

    private void renewAll() {
        Instant now;
        try {
            now = StoreClock.now(jdbc); // one reading of the store's clock for the whole renewal
        } catch (RuntimeException e) {
            if (!renewalOutage.unreachable(e)) {
                log.warn("leases not renewed: the store's time could not be read: {}", e.getMessage());
            }
            return;
        }
        try {
            take(MEMBER + settings.instanceId(), now, now);
        } catch (RuntimeException e) {
            // each further lease would wait the pool's timeout in turn: stop here until the next renewal
            if (renewalOutage.unreachable(e)) {
                return;
            }
            log.warn("membership lease could not be renewed: {}", e.getMessage());
        }
        renewalOutage.reached();
        for (String name : held.keySet()) {
            try {
                if (!take(name, now, now)) {
                    held.remove(name);
                    log.warn("lease {} lost to another instance: its loop stops here", name);
                }
            } catch (RuntimeException e) {
                if (renewalOutage.unreachable(e)) {
                    return;
                }
                log.warn("lease {} could not be renewed: {}", name, e.getMessage());
            }
        }
        try {
            rebalance(now);
        } catch (RuntimeException e) {
            log.debug("leases not shared out this time: {}", e.getMessage());
        }
    }

    /** This instance's share of the loops, and the leases over it to give up; {@code now} is the renewal's reading of the store's clock. */
    private void rebalance(Instant now) {
        Instant missedTwice = settings.missedTwoRenewals(now);
        List<Map.Entry<String, Instant>> live = jdbc
            .sql("select holder, expires_at from lease where name like 'member:%' and expires_at > ?")
            .param(Timestamp.from(now))
            .query((rs, n) -> Map.entry(rs.getString(1), rs.getTimestamp(2).toInstant())).list();
        List<String> stale = live.stream()
            .filter(m -> !settings.instanceId().equals(m.getKey()) && m.getValue().isBefore(missedTwice))
            .map(Map.Entry::getKey).toList();
        // a member that was killed does not count once it missed two renewals: the survivors' shares grow at once
        long members = live.size() - (stale.isEmpty() ? 0 : sharing.gone(stale).size());
        long loopCount = jdbc.sql("select count(*) from lease where name not like 'member:%'").query(Long.class).single();
        int fair = (int) Math.max(1, (loopCount + Math.max(1, members) - 1) / Math.max(1, members));
        share = fair;
        List<String> mine = held.keySet().stream().sorted(java.util.Comparator.reverseOrder()).toList();
        int over = mine.size() - givingUp.size() - fair;
        for (int i = 0; i < mine.size() && over > 0; i++) {
            if (givingUp.add(mine.get(i))) {
                over--;
            }
        }
    }

    /**
     * The longest a clean stop waits to let the membership lease go. Letting it go only hands this
     * instance's share to the others sooner (they would take it once it ran out); a stop must not wait
     * on a store that is gone, for a connection the pool would wait its whole timeout for.
     */
    static final long RELEASE_WAIT_MILLIS = 2_000;

    @jakarta.annotation.PreDestroy
    void close() {
        closed = true;
        keeper.shutdownNow();
        sharing.close();
        if (!settings.enabled()) {
            return;
        }
        boundedAtStop("membership lease of " + settings.instanceId(), () ->
            jdbc.sql("update lease set expires_at = ? where name = ? and holder = ?")
                .params(Timestamp.from(Instant.EPOCH), MEMBER + settings.instanceId(), settings.instanceId()).update());
    }

    /** {@link #release}, as a loop stops: bounded as {@link #close()} is, so a store already gone does not hold the stop. */
    public void releaseAtStop(String name) {
        if (!settings.enabled() || !held.containsKey(name)) {
            return;
        }
        boundedAtStop("lease " + name, () -> release(name));
    }

    /** Runs a release on a thread of its own and waits for it at most {@link #RELEASE_WAIT_MILLIS}. */
    private static void boundedAtStop(String what, Runnable release) {
        Thread thread = new Thread(() -> {
            try {
                release.run();
            } catch (RuntimeException e) {
                log.debug("{} not released: {}", what, e.getMessage());
            }
        }, "roster-lease-release");
        thread.setDaemon(true);
        thread.start();
        try {
            thread.join(RELEASE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.info("{} not released within {} ms: the others take it once it runs out", what, RELEASE_WAIT_MILLIS);
        }
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** How long a loop that does not hold its lease waits before asking again: as long as between two renewals. */
    public long retryMillis() {
        return Math.max(200, settings.renewEvery().toMillis());
    }

    /**
     * How long a loop that was just refused its lease waits before it asks again: what is left of the
     * retry interval since this instance last asked the store ({@link #retryMillis()} when it has not
     * asked). A loop woken just before its ask was due asks when it is due, not a whole interval later:
     * a lease run out unannounced (its holder killed) is taken within one interval of running out.
     */
    public long askAgainIn(String name) {
        Long refused = refusedAt.get(name);
        if (refused == null) {
            return retryMillis();
        }
        long left = retryMillis() - (System.nanoTime() - refused) / 1_000_000;
        return Math.max(1, Math.min(retryMillis(), left));
    }

    /** Whether this instance holds the lease and keeps it: not lost, and not one to give up between two passes. */
    public boolean keeps(String name) {
        return !settings.enabled() || (held.containsKey(name) && !givingUp.contains(name));
    }

    /**
     * Whether this instance holds the lease now: when it does not, tries to take it if this instance
     * is under its share; when it holds one over its share, lets it go (the loop is between passes).
     */
    public boolean holds(String name) {
        if (!settings.enabled()) {
            return true;
        }
        if (held.containsKey(name)) {
            if (!givingUp.remove(name)) {
                return true;
            }
            release(name);
            log.info("lease {} given up by {}: over its share of {}", name, settings.instanceId(), share);
            return false;
        }
        givingUp.remove(name);
        Long refused = refusedAt.get(name);
        if (refused != null && !freed.remove(name) && System.nanoTime() - refused < retryMillis() * 1_000_000) {
            return false; // a wake-up for work, which the holder was told of: asked too recently to ask again
        }
        // Over its share an instance takes only a lease nobody took for a whole time to live.
        Instant now = StoreClock.now(jdbc);
        Instant freeSince = held.size() < share ? now : now.minus(settings.leaseTtl());
        if (!take(name, now, freeSince) && (held.size() >= share || !takeFromKilled(name, now))) {
            refusedAt.put(name, System.nanoTime());
            return false;
        }
        refusedAt.remove(name);
        held.put(name, clock.instant());
        log.info("lease {} taken by {}", name, settings.instanceId());
        return true;
    }

    /**
     * Takes the lease from a holder the store knows was killed ({@link StoreSharing#gone}: no session
     * of its holds the instance lock) and that missed two renewals, rather than waiting out the rest of
     * its time to live. One whose session lives on (slow, or cut off from the store) keeps it.
     */
    private boolean takeFromKilled(String name, Instant now) {
        Timestamp missedTwice = Timestamp.from(settings.missedTwoRenewals(now));
        String holder = jdbc.sql("select holder from lease where name = ? and holder <> '' and holder <> ? and expires_at < ?")
            .params(name, settings.instanceId(), missedTwice).query(String.class).optional().orElse(null);
        if (holder == null || !sharing.gone(java.util.Set.of(holder)).contains(holder)) {
            return false;
        }
        int taken = jdbc.sql("""
                update lease set holder = ?, expires_at = ?, fence = fence + 1
                where name = ? and holder = ? and expires_at < ?""")
            .params(settings.instanceId(), Timestamp.from(now.plus(settings.leaseTtl())), name, holder, missedTwice)
            .update();
        if (taken == 1) {
            log.warn("lease {} taken over from {}: it missed two renewals and its session is gone from the store (killed)",
                name, holder);
        }
        return taken == 1;
    }

    /**
     * Renews the lease, or takes it if it ran out before {@code expiredBefore}: true when this instance
     * holds it until {@code now} (the store's) + ttl.
     */
    private boolean take(String name, Instant now, Instant expiredBefore) {
        Instant expires = now.plus(settings.leaseTtl());
        int taken = jdbc.sql("""
                update lease set holder = ?, expires_at = ?,
                    fence = case when holder = ? then fence else fence + 1 end
                where name = ? and (holder = ? or expires_at < ?)""")
            .params(settings.instanceId(), Timestamp.from(expires), settings.instanceId(), name, settings.instanceId(),
                Timestamp.from(expiredBefore)).update();
        if (taken > 0) {
            return true;
        }
        try {
            return jdbc.sql("insert into lease (name, holder, expires_at, fence) values (?, ?, ?, 1)")
                .params(name, settings.instanceId(), Timestamp.from(expires)).update() > 0;
        } catch (DuplicateKeyException e) {
            return false; // another instance holds it
        }
    }

    /** Lets the lease go, on a clean stop or over this instance's share: another instance may take it at once. */
    public void release(String name) {
        if (!settings.enabled() || held.remove(name) == null) {
            return;
        }
        // run out now, and held by nobody: an instance under its share takes it at once, this one only after a
        // time to live (were it still named the holder, its next look would take the lease back as a renewal)
        jdbc.sql("update lease set holder = '', expires_at = current_timestamp where name = ? and holder = ?")
            .params(name, settings.instanceId()).update();
        announce(FREED + name); // whoever is under its share takes it now, not at its next look
    }

    /** What an announcement of a lease let go starts with, before the lease's name. */
    private static final String FREED = "freed:";

    /**
     * A loop of this instance, which wake-ups from other instances reach. Its lease is stored now, free,
     * so that the loops are counted in each instance's share before anyone holds them.
     */
    public void register(String name, Runnable wake) {
        loops.put(name, wake);
        if (!settings.enabled()) {
            return;
        }
        try {
            jdbc.sql("insert into lease (name, holder, expires_at, fence) values (?, '', ?, 0)")
                .params(name, Timestamp.from(Instant.EPOCH)).update();
        } catch (DuplicateKeyException e) {
            // stored already, by an earlier start or another instance
        }
    }

    /**
     * Work for a loop arrived here: when another instance holds its lease, that instance is told
     * (after the current transaction commits, if there is one).
     */
    public void announce(String name) {
        if (!notifies || held.containsKey(name) || closed) {
            return;
        }
        try {
            jdbc.sql("select pg_notify('" + CHANNEL + "', ?)").param(name).query((rs, n) -> 1).list();
        } catch (RuntimeException e) {
            log.debug("wake-up for {} not announced ({}); its holder looks again within {} ms", name,
                e.getClass().getSimpleName(), POLL_MILLIS);
        }
    }

    /** Listens on the wake-up channel on a connection of its own, and wakes the loops named. */
    private void listen() {
        DataSource ds = java.util.Objects.requireNonNull(dataSource);
        while (!closed) {
            try (Connection c = ds.getConnection()) {
                org.postgresql.PGConnection pg = c.unwrap(org.postgresql.PGConnection.class);
                c.setAutoCommit(true);
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute("listen " + CHANNEL);
                }
                listenerOutage.reached();
                long checked = System.nanoTime();
                while (!closed) {
                    if (System.nanoTime() - checked > CHECK_LISTENER_NANOS) {
                        // a connection whose server vanished without closing it (a failover, a partition)
                        // is silent, and waiting for notifications on it never fails: ask it something
                        if (!c.isValid(5)) {
                            throw new java.sql.SQLNonTransientConnectionException("the listening connection does not answer", "08006");
                        }
                        checked = System.nanoTime();
                    }
                    org.postgresql.PGNotification[] got = pg.getNotifications(1_000);
                    for (org.postgresql.PGNotification n : got == null ? new org.postgresql.PGNotification[0] : got) {
                        String name = n.getParameter();
                        if (name.startsWith(FREED)) {
                            name = name.substring(FREED.length());
                            freed.add(name);
                        }
                        Runnable wake = loops.get(name);
                        if (wake != null) {
                            wake.run();
                        }
                    }
                }
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute("unlisten *"); // the connection goes back to the pool
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (!listenerOutage.unreachable(e)) {
                    log.warn("wake-up listener: {}; listening again in a second", e.getClass().getSimpleName());
                }
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
