package org.roster.runtime;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.roster.store.StoreClock;
import org.roster.store.StoreKind;
import org.roster.store.StoreOutageLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Work that runs once at a time across every instance over the store, whichever instance it was
 * asked of ({@code exclusive_run}): a snapshot import per HR source, a reconciliation per target, a
 * change to one SCIM group's members. Unlike a background loop's {@link Leases lease}, such a run is
 * asked for by someone (an upload, an operator, an operation being sent) and is refused while another
 * holds its name ({@link Busy}), or waits for it a bounded time ({@link #await}).
 *
 * <p>A run whose instance stopped (a kill, a crash) leaves its row behind. The next run of the name
 * takes it over ({@link Held#replaced()} says whose, so that its record can say it was interrupted):
 * at once on a single instance, or by an instance started again under the same {@code instance-id};
 * otherwise once the row was not renewed for a lease time to live (the running instance renews its
 * rows every {@code min(lease-ttl / 3, 5 s)} in cluster mode), or for two renewals when its
 * instance's session no longer holds the store's instance lock ({@link StoreSharing#gone}: it was
 * killed). A run whose row was taken over (its instance stalled past the time to live) learns it at
 * its next {@link Held#check()}, which a run makes in the transaction of each step it commits.
 * Times are the store's, as for leases.
 *
 * <p>Instances waiting for one name take turns ({@link #await}): a waiting instance marks the holder's
 * row wanted, and the holder, letting a wanted name go, leaves it a moment before asking for it again,
 * rather than taking it back at once each time while the other waits out its whole time-out.
 */
@Component
public class ExclusiveRuns {

    private static final Logger log = LoggerFactory.getLogger(ExclusiveRuns.class);
    /** The longest pause of an {@link #await} between two asks. */
    private static final long MAX_PAUSE_MILLIS = 5;
    /** How long an instance that let go of a name another instance waited for leaves it: longer than that one's pause. */
    private static final long LEAVE_NANOS = TimeUnit.MILLISECONDS.toNanos(2 * MAX_PAUSE_MILLIS);

    /** Who holds a name: the run, the instance running it, who asked for it, since when, last renewed when. */
    public record Holder(String runId, String instance, String actor, Instant startedAt, Instant aliveAt) {
    }

    /** The name is held by another run; {@code holder} says which. */
    public static final class Busy extends RuntimeException {
        private final Holder holder;
        private final @Nullable Instant freeIfStopped;

        Busy(Holder holder, @Nullable Instant freeIfStopped) {
            super("run " + holder.runId() + " holds it", null, false, false);
            this.holder = holder;
            this.freeIfStopped = freeIfStopped;
        }

        public Holder holder() {
            return holder;
        }

        /**
         * When another instance may take the name over should the holder's instance have stopped (its
         * last renewal and a lease time to live); null when it runs on this instance.
         */
        public @Nullable Instant freeIfStopped() {
            return freeIfStopped;
        }

        /** A clause for a refusal: whose run it is, since when, and what happens if its instance stopped. */
        public String describe() {
            return "started " + holder.startedAt() + (freeIfStopped == null ? " on this instance" : " on "
                + holder.instance() + ", last seen " + holder.aliveAt() + "; should " + holder.instance()
                + " have stopped, it is taken over from " + freeIfStopped);
        }
    }

    /** Another run took the name over while this one ran (its renewals stopped for a time to live). */
    public static final class Lost extends RuntimeException {
        Lost(String name, @Nullable String now) {
            super(name + " was taken over by " + (now == null ? "another run" : "run " + now) + " after this instance did"
                + " not renew it for a lease time to live", null, false, false);
        }
    }

    private final JdbcClient jdbc;
    /** PostgreSQL: a hold is taken and let go without waiting for its commit to reach the disk. */
    private final StoreKind kind;
    private final ClusterSettings cluster;
    /** Tells an instance that was killed from one that is only slow: its session holds no instance lock. */
    private final @Nullable StoreSharing sharing;
    /** The runs of this instance, by name; a name is reserved here before the store is asked. */
    private final Map<String, Held> here = new ConcurrentHashMap<>();
    /**
     * Names this instance let go while another instance waited for them, with until when ({@code
     * System.nanoTime}) its next {@link #await} of the name leaves it to that instance.
     */
    private final Map<String, Long> leaving = new ConcurrentHashMap<>();
    private final @Nullable ScheduledExecutorService keeper;
    private final StoreOutageLog renewals = new StoreOutageLog(log, "exclusive runs not renewed",
        "another instance may take them over if it lasts", "exclusive runs renewed again: the store is reachable");

    /** A Spring bean once this instance holds the store's instance lock (before a run takes anything over at once). */
    @org.springframework.beans.factory.annotation.Autowired
    ExclusiveRuns(DataSource store, ClusterSettings cluster, @Nullable StoreSharing sharing) {
        this.sharing = sharing;
        this.jdbc = JdbcClient.create(store);
        this.kind = new StoreKind(new org.springframework.jdbc.core.JdbcTemplate(store));
        this.cluster = cluster;
        if (cluster.enabled()) {
            keeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "roster-exclusive-runs");
                t.setDaemon(true);
                return t;
            });
            long every = cluster.renewEvery().toMillis();
            keeper.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        } else {
            keeper = null;
        }
    }

    /** Without the instance lock to tell a killed instance by: another's runs are taken over a time to live later only. */
    public ExclusiveRuns(DataSource store, ClusterSettings cluster) {
        this(store, cluster, null);
    }

    @jakarta.annotation.PreDestroy
    void close() {
        if (keeper != null) {
            keeper.shutdownNow();
        }
    }

    /**
     * Takes {@code name} for run {@code runId}, asked for by {@code actor}.
     *
     * @throws Busy another run holds the name, here or on another instance
     */
    public Held begin(String name, String runId, String actor) {
        Held held = new Held(name, runId, actor.length() > 200 ? actor.substring(0, 200) : actor);
        Held other = here.putIfAbsent(name, held);
        if (other != null) {
            throw new Busy(other.asHolder(), null);
        }
        try {
            take(held);
            return held;
        } catch (RuntimeException e) {
            here.remove(name, held);
            throw e;
        }
    }

    /** Whether runs are held across instances (cluster mode); otherwise this instance is the only one over the store. */
    public boolean acrossInstances() {
        return cluster.enabled();
    }

    /**
     * Waits until {@code name} is free, at most {@code wait}, and takes it for a run of its own: for
     * short work that must not overlap across instances, where a second asker waits rather than being
     * refused.
     *
     * @throws Busy still held by another run after {@code wait} (or the wait was interrupted)
     */
    public Held await(String name, String actor, Duration wait) {
        String runId = java.util.UUID.randomUUID().toString();
        long deadline = System.nanoTime() + wait.toNanos();
        Long leaveUntil = leaving.remove(name);
        if (leaveUntil != null) {
            pause(Math.min(leaveUntil, deadline) - System.nanoTime()); // interrupted: the interrupt stays set, the asks go on
        }
        long pause = 1;
        String wantedOf = null;
        while (true) {
            try {
                return begin(name, runId, actor);
            } catch (Busy e) {
                Holder h = e.holder();
                if (cluster.enabled() && !h.instance().equals(cluster.instanceId()) && !h.runId().equals(wantedOf)) {
                    wanted(name, h.runId());
                    wantedOf = h.runId();
                }
                long nanos = TimeUnit.MILLISECONDS.toNanos(pause);
                if (System.nanoTime() + nanos > deadline || !pause(nanos)) {
                    throw e;
                }
                pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
            }
        }
    }

    /** Sleeps; false if interrupted (the interrupt kept). */
    private static boolean pause(long nanos) {
        if (nanos <= 0) {
            return true;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Tells the run holding {@code name} that another instance waits for it (a hint: a failure is ignored). */
    private void wanted(String name, String heldBy) {
        try {
            jdbc.sql(unflushed("update exclusive_run set wanted_at = current_timestamp where name = ? and run_id = ?"))
                .params(name, heldBy).update();
        } catch (RuntimeException e) {
            log.debug("{}: not marked wanted: {}", name, e.getMessage());
        }
    }

    private void take(Held held) {
        for (int attempt = 0; ; attempt++) {
            Instant now = StoreClock.now(jdbc);
            if (insert(held, now)) {
                held.startedAt = now; // from here on its renewals count: one that finds no row means it was taken over
                return;
            }
            Optional<Holder> found = holder(held.name);
            if (found.isEmpty()) {
                continue; // it ended just now
            }
            Holder h = found.get();
            if (!stopped(h, now) || attempt > 2) {
                throw new Busy(h, h.aliveAt().plus(cluster.leaseTtl()));
            }
            int taken = jdbc.sql("""
                    update exclusive_run set run_id = ?, holder = ?, actor = ?, started_at = ?, alive_at = ?
                    where name = ? and run_id = ?""")
                .params(held.runId, cluster.instanceId(), held.actor, Timestamp.from(now), Timestamp.from(now),
                    held.name, h.runId()).update();
            if (taken == 1) {
                held.startedAt = now;
                held.replaced = h;
                log.warn("{}: run {} was left unfinished by {} (last seen {}); run {} takes it over", held.name, h.runId(),
                    h.instance(), h.aliveAt(), held.runId);
                return;
            }
            // another run took it over first: look again
        }
    }

    /**
     * Inserts the run's row; false if the name is held. On PostgreSQL the commit does not wait for the
     * disk ({@code synchronous_commit} off for this one transaction), nor does the delete that lets the
     * name go: a hold is a lock, not a record, and both commits waiting for the disk made a SCIM group's
     * hold cost more than the change it guards. What a crash of the store could lose is a row just
     * taken (its run then stops at its next {@link Held#check()}) or one just let go (taken over a time
     * to live later); a conflict writes nothing, so a waiting instance asking again leaves no dead rows.
     */
    private boolean insert(Held held, Instant now) {
        Timestamp at = Timestamp.from(now);
        if (!kind.postgres()) {
            try {
                jdbc.sql("""
                        insert into exclusive_run (name, run_id, holder, actor, started_at, alive_at)
                        values (?, ?, ?, ?, ?, ?)""")
                    .params(held.name, held.runId, cluster.instanceId(), held.actor, at, at).update();
                return true;
            } catch (DuplicateKeyException e) {
                return false;
            }
        }
        return jdbc.sql("insert into exclusive_run (name, run_id, holder, actor, started_at, alive_at)"
                + " select ?, ?, ?, ?, ?, ? where" + UNFLUSHED + " on conflict (name) do nothing")
            .params(held.name, held.runId, cluster.instanceId(), held.actor, at, at).update() == 1;
    }

    /** A condition that turns the disk flush off for the statement's own commit (PostgreSQL; true, once evaluated). */
    private static final String UNFLUSHED = " set_config('synchronous_commit', 'off', true) is not null";

    /** {@code sql}, whose last clause is a {@code where}, committed without waiting for the disk on PostgreSQL (see {@link #insert}). */
    private String unflushed(String sql) {
        return kind.postgres() ? sql + " and" + UNFLUSHED : sql;
    }

    /** Whether the run holding a name has stopped: its instance is gone, or is this one started again. */
    private boolean stopped(Holder h, Instant now) {
        if (!cluster.enabled() || h.instance().equals(cluster.instanceId())) {
            return true; // not running here (a name held here is refused before the store is asked)
        }
        if (h.aliveAt().isBefore(now.minus(cluster.leaseTtl()))) {
            return true;
        }
        // killed: two renewals missed and its session gone from the store, so no need to wait out the time to live
        return sharing != null && h.aliveAt().plus(cluster.leaseTtl()).isBefore(cluster.missedTwoRenewals(now))
            && sharing.gone(Set.of(h.instance())).contains(h.instance());
    }

    /** The run holding {@code name}, if any (it may have stopped without a word). */
    public Optional<Holder> holder(String name) {
        return jdbc.sql("select run_id, holder, actor, started_at, alive_at from exclusive_run where name = ?")
            .param(name)
            .query((rs, n) -> holder(rs, 1))
            .optional();
    }

    /** A holder from {@code run_id, holder, actor, started_at, alive_at}, the first at column {@code first}. */
    private static Holder holder(java.sql.ResultSet rs, int first) throws java.sql.SQLException {
        return new Holder(rs.getString(first), rs.getString(first + 1), rs.getString(first + 2),
            rs.getTimestamp(first + 3).toInstant(), rs.getTimestamp(first + 4).toInstant());
    }

    /**
     * The runs of names starting with {@code prefix} still running somewhere: this instance's, and in
     * cluster mode other instances' not taken for stopped (renewed within a lease time to live, and
     * within two renewals if their instance's session is gone from the store).
     */
    public Set<String> alive(String prefix) {
        return new java.util.HashSet<>(running(prefix).values());
    }

    /** As {@link #alive}, by name: the run holding each name still running somewhere. */
    public Map<String, String> running(String prefix) {
        Map<String, String> running = new java.util.HashMap<>();
        here.values().stream().filter(h -> h.name.startsWith(prefix)).forEach(h -> running.put(h.name, h.runId));
        if (cluster.enabled()) {
            Instant now = StoreClock.now(jdbc);
            jdbc.sql("""
                    select name, run_id, holder, actor, started_at, alive_at from exclusive_run
                    where name like ? and holder <> ? and alive_at >= ?""")
                .params(prefix.replace("%", "\\%").replace("_", "\\_") + "%", cluster.instanceId(),
                    Timestamp.from(now.minus(cluster.leaseTtl())))
                .query((rs, n) -> Map.entry(rs.getString(1), holder(rs, 2)))
                .list().forEach(e -> {
                    if (!stopped(e.getValue(), now)) {
                        running.putIfAbsent(e.getKey(), e.getValue().runId());
                    }
                });
        }
        return running;
    }

    /** Cluster mode: the runs of this instance are renewed; one another instance took over is marked lost. */
    void renew() {
        for (Held held : here.values()) {
            try {
                int renewed = jdbc.sql("update exclusive_run set alive_at = current_timestamp where name = ? and run_id = ?")
                    .params(held.name, held.runId).update();
                renewals.reached();
                if (renewed == 0 && here.get(held.name) == held && held.startedAt != null && !held.closing) {
                    held.lost = true;
                    log.warn("{}: another run took it over from run {}, which stops at its next step", held.name, held.runId);
                }
            } catch (RuntimeException e) {
                if (!renewals.unreachable(e)) {
                    log.warn("{}: run {} not renewed: {}", held.name, held.runId, e.getMessage());
                }
                return;
            }
        }
    }

    /** A run holding its name: {@link #check()} at each step, {@link #close()} when it ends, however. */
    public final class Held implements AutoCloseable {
        private final String name;
        private final String runId;
        private final String actor;
        private volatile @Nullable Instant startedAt;
        private volatile @Nullable Holder replaced;
        private volatile boolean lost;
        /** Set as it lets go, so that a renewal finding its row gone does not take it for lost. */
        private volatile boolean closing;

        private Held(String name, String runId, String actor) {
            this.name = name;
            this.runId = runId;
            this.actor = actor;
        }

        Holder asHolder() {
            Instant at = startedAt == null ? Instant.EPOCH : startedAt;
            return new Holder(runId, cluster.instanceId(), actor, at, at);
        }

        public String runId() {
            return runId;
        }

        /** The run whose instance stopped, which this one took the name over from. */
        public Optional<Holder> replaced() {
            return Optional.ofNullable(replaced);
        }

        /**
         * In the transaction of a step about to be committed: the name is still this run's, and stays
         * so until the step commits (its row is locked). Only in cluster mode, where another instance
         * can take a name over.
         *
         * @throws Lost another instance took the name over
         */
        public void check() {
            if (!cluster.enabled()) {
                return;
            }
            if (lost) {
                throw new Lost(name, holder(name).map(Holder::runId).orElse(null));
            }
            Optional<String> now = jdbc.sql("select run_id from exclusive_run where name = ? for update")
                .param(name).query(String.class).optional();
            if (!now.filter(runId::equals).isPresent()) {
                lost = true;
                throw new Lost(name, now.orElse(null));
            }
        }

        /** The run ended (or failed): the name is free. A failure here leaves the row to be taken over. */
        @Override
        public void close() {
            closing = true;
            try {
                if (cluster.enabled() && jdbc.sql("select wanted_at from exclusive_run where name = ? and run_id = ?")
                        .params(name, runId).query(Timestamp.class).optional().isPresent()) {
                    leaving.put(name, System.nanoTime() + LEAVE_NANOS); // another instance's turn
                }
                jdbc.sql(unflushed("delete from exclusive_run where name = ? and run_id = ?")).params(name, runId).update();
            } catch (RuntimeException e) {
                log.warn("{}: run {} could not free it ({}); the next run takes it over", name, runId, e.getMessage());
            } finally {
                here.remove(name, this);
            }
        }
    }
}
