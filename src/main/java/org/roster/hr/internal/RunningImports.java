package org.roster.hr.internal;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.roster.runtime.ClusterSettings;
import org.roster.store.StoreOutageLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The snapshot import under way for each HR source ({@code hr_snapshot_running}): one at a time per
 * source, across every instance over the store, and at most {@code max} at a time on this instance.
 *
 * <p>Two files of one source applied together would interleave their batches, and the one ending last
 * would count as missing (and, with {@code disappeared: terminate}, terminate) the workers only the
 * other named: a joiner in the newer file, terminated by an older file sent again at the same moment.
 * So an import first takes its source here, and a second one is refused ({@link Busy}) until the
 * first ends.
 *
 * <p>An import whose instance stopped (a kill, a crash) leaves its row behind. It is taken over by the
 * next import of the source: at once on a single instance, or by an instance started again under the
 * same {@code instance-id}; otherwise once the row was not renewed for a lease time to live (the
 * importing instance renews it every {@code min(lease-ttl / 3, 5 s)} in cluster mode). An import whose
 * row another instance took over (its instance stalled past the time to live) is {@linkplain
 * Running#check() stopped} before its next batch: every batch checks, in its own transaction, that the
 * source is still its import's. Times are the store's, as for leases.
 */
@Component
public class RunningImports {

    private static final Logger log = LoggerFactory.getLogger(RunningImports.class);

    /** Who holds a source: the snapshot being imported, the instance importing it, who sent it, since when. */
    public record Holder(String snapshotId, String instance, String actor, Instant startedAt, Instant aliveAt) {
    }

    /** The source is being imported already; {@code holder} says by whom. */
    public static final class Busy extends RuntimeException {
        private final Holder holder;

        Busy(Holder holder) {
            super("snapshot " + holder.snapshotId() + " is being imported", null, false, false);
            this.holder = holder;
        }

        public Holder holder() {
            return holder;
        }
    }

    /** This instance runs as many imports as it may at once. */
    public static final class Full extends RuntimeException {
        private final int max;

        Full(int max) {
            super(max + " snapshot imports are running on this instance", null, false, false);
            this.max = max;
        }

        public int max() {
            return max;
        }
    }

    /** Another instance took the source over while this import ran (its renewals stopped for a time to live). */
    public static final class Lost extends RuntimeException {
        Lost(String source, @Nullable String now) {
            super("the import of source '" + source + "' was taken over by " + (now == null ? "another import" : "snapshot " + now)
                + " after this instance did not renew it for " + "a lease time to live", null, false, false);
        }
    }

    private final JdbcClient jdbc;
    private final ClusterSettings cluster;
    private final int max;
    /** The imports running here, by source; a source is reserved here before the store is asked. */
    private final Map<String, Running> here = new ConcurrentHashMap<>();
    private final @Nullable ScheduledExecutorService keeper;
    private final StoreOutageLog renewals = new StoreOutageLog(log, "snapshot imports not renewed",
        "another instance may take their sources over if it lasts", "snapshot imports renewed again: the store is reachable");

    RunningImports(JdbcClient jdbc, ClusterSettings cluster, org.roster.hr.HrSourceSettings settings) {
        this.jdbc = jdbc;
        this.cluster = cluster;
        this.max = settings.maxSnapshotImports();
        if (cluster.enabled()) {
            keeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "roster-import-keeper");
                t.setDaemon(true);
                return t;
            });
            long every = renewEvery(cluster.leaseTtl()).toMillis();
            keeper.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        } else {
            keeper = null;
        }
    }

    static Duration renewEvery(Duration ttl) {
        Duration third = ttl.dividedBy(3);
        return third.compareTo(Duration.ofSeconds(5)) < 0 ? third : Duration.ofSeconds(5);
    }

    @jakarta.annotation.PreDestroy
    void close() {
        if (keeper != null) {
            keeper.shutdownNow();
        }
    }

    /**
     * Takes {@code source} for the import of snapshot {@code snapshotId}.
     *
     * @throws Busy another import of the source runs, here or on another instance
     * @throws Full this instance runs its most imports at once
     */
    public Running begin(String source, String snapshotId, String actor) {
        String by = actor.length() > 200 ? actor.substring(0, 200) : actor;
        Running running = new Running(source, snapshotId, by);
        synchronized (here) {
            Running other = here.get(source);
            if (other != null) {
                throw new Busy(other.asHolder());
            }
            if (here.size() >= max) {
                throw new Full(max);
            }
            here.put(source, running);
        }
        try {
            take(running);
            return running;
        } catch (RuntimeException e) {
            here.remove(source, running);
            throw e;
        }
    }

    private void take(Running running) {
        for (int attempt = 0; ; attempt++) {
            Instant now = storeNow();
            running.startedAt = now;
            try {
                jdbc.sql("""
                        insert into hr_snapshot_running (source, snapshot_id, holder, actor, started_at, alive_at)
                        values (?, ?, ?, ?, ?, ?)""")
                    .params(running.source, running.snapshotId, cluster.instanceId(), running.actor, Timestamp.from(now),
                        Timestamp.from(now)).update();
                return;
            } catch (DuplicateKeyException e) {
                Optional<Holder> found = holder(running.source);
                if (found.isEmpty()) {
                    continue; // it ended just now
                }
                Holder h = found.get();
                if (!stopped(h, now) || attempt > 2) {
                    throw new Busy(h);
                }
                int taken = jdbc.sql("""
                        update hr_snapshot_running set snapshot_id = ?, holder = ?, actor = ?, started_at = ?, alive_at = ?
                        where source = ? and snapshot_id = ?""")
                    .params(running.snapshotId, cluster.instanceId(), running.actor, Timestamp.from(now), Timestamp.from(now),
                        running.source, h.snapshotId()).update();
                if (taken == 1) {
                    jdbc.sql("update hr_snapshot set finished_at = ?, summary = ? where id = ? and finished_at is null")
                        .params(Timestamp.from(now), "interrupted: " + h.instance() + " stopped while importing it (last seen "
                            + h.aliveAt() + "); the batches it applied stay; taken over by snapshot " + running.snapshotId,
                            h.snapshotId()).update();
                    log.warn("snapshot {} of {} was left unfinished by {} (last seen {}): marked interrupted; its applied"
                        + " batches stay, and snapshot {} takes the source over", h.snapshotId(), running.source, h.instance(),
                        h.aliveAt(), running.snapshotId);
                    return;
                }
                // another import took it over first: look again
            }
        }
    }

    /** Whether the import holding a source has stopped: its instance is gone, or is this one started again. */
    private boolean stopped(Holder h, Instant now) {
        if (!cluster.enabled() || h.instance().equals(cluster.instanceId())) {
            return true; // not running here (a source running here is refused before the store is asked)
        }
        return h.aliveAt().isBefore(now.minus(cluster.leaseTtl()));
    }

    /** The import holding {@code source}, if any. */
    public Optional<Holder> holder(String source) {
        return jdbc.sql("select snapshot_id, holder, actor, started_at, alive_at from hr_snapshot_running where source = ?")
            .param(source)
            .query((rs, n) -> new Holder(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getTimestamp(4).toInstant(), rs.getTimestamp(5).toInstant()))
            .optional();
    }

    /** Cluster mode: the imports running here are renewed; one another instance took over is marked lost. */
    void renew() {
        for (Running running : here.values()) {
            try {
                int renewed = jdbc.sql("""
                        update hr_snapshot_running set alive_at = current_timestamp where source = ? and snapshot_id = ?""")
                    .params(running.source, running.snapshotId).update();
                renewals.reached();
                if (renewed == 0 && here.get(running.source) == running && running.startedAt != null) {
                    running.lost = true;
                    log.warn("snapshot {} of {}: another import took the source over; this one stops before its next batch",
                        running.snapshotId, running.source);
                }
            } catch (RuntimeException e) {
                if (!renewals.unreachable(e)) {
                    log.warn("snapshot {} of {} not renewed: {}", running.snapshotId, running.source, e.getMessage());
                }
                return;
            }
        }
    }

    private Instant storeNow() {
        return jdbc.sql("select current_timestamp").query(Timestamp.class).single().toInstant();
    }

    /** An import holding its source: {@link #check()} before each batch, {@link #close()} when it ends, however. */
    public final class Running implements AutoCloseable {
        private final String source;
        private final String snapshotId;
        private final String actor;
        private volatile @Nullable Instant startedAt;
        private volatile boolean lost;

        private Running(String source, String snapshotId, String actor) {
            this.source = source;
            this.snapshotId = snapshotId;
            this.actor = actor;
        }

        Holder asHolder() {
            Instant at = startedAt == null ? Instant.EPOCH : startedAt;
            return new Holder(snapshotId, cluster.instanceId(), actor, at, at);
        }

        /**
         * In the transaction of a batch about to be applied: the source is still this import's, and
         * stays so until the batch commits (its row is locked). Only in cluster mode, where another
         * instance can take a source over.
         *
         * @throws Lost another instance took the source over
         */
        public void check() {
            if (!cluster.enabled()) {
                return;
            }
            if (lost) {
                throw new Lost(source, RunningImports.this.holder(source).map(Holder::snapshotId).orElse(null));
            }
            Optional<String> now = jdbc.sql("select snapshot_id from hr_snapshot_running where source = ? for update")
                .param(source).query(String.class).optional();
            if (!now.filter(snapshotId::equals).isPresent()) {
                lost = true;
                throw new Lost(source, now.orElse(null));
            }
        }

        /** The import ended (or failed): the source is free. A failure here leaves the row to be taken over. */
        @Override
        public void close() {
            try {
                jdbc.sql("delete from hr_snapshot_running where source = ? and snapshot_id = ?").params(source, snapshotId).update();
            } catch (RuntimeException e) {
                log.warn("snapshot {} of {}: the source could not be freed ({}); the next import takes it over", snapshotId,
                    source, e.getMessage());
            } finally {
                here.remove(source, this);
            }
        }
    }
}
