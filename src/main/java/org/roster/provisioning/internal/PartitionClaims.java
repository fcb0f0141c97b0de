package org.roster.provisioning.internal;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.roster.runtime.ClusterSettings;
import org.roster.runtime.StoreSharing;
import org.roster.store.StoreClock;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Cluster mode over Kafka: which instance answers for the revocations of each partition of a
 * target's topics while no broker can be reached ({@code partition_claim}).
 *
 * <p>The brokers decide who sends a partition's work; they cannot while they are down, and an
 * instance that died or was restarted then leaves its partitions to nobody until they are back. So
 * each instance renews, every {@code min(lease-ttl / 3, 5 s)}, a claim in the store on the
 * partitions the brokers gave it ({@link #hold}: Kafka's word is final, whoever claimed them before),
 * and every instance takes over the claims nobody renewed for a time to live (the lease time to
 * live), or for two renewals when their instance's session no longer holds the store's instance lock
 * (it was killed), and renews its own ({@link #mine}). An instance started again under the same
 * name finds its claims still its own.
 * Times are the store's, as for leases.
 */
@Component
class PartitionClaims {

    private final JdbcClient jdbc;
    private final ClusterSettings cluster;
    private final String instanceId;
    private final Duration ttl;
    private final Duration renewEvery;
    /** Tells an instance that was killed from one that is only slow: its session holds no instance lock. */
    private final @Nullable StoreSharing sharing;

    PartitionClaims(JdbcClient jdbc, ClusterSettings cluster) {
        this(jdbc, cluster, null);
    }

    @org.springframework.beans.factory.annotation.Autowired
    PartitionClaims(JdbcClient jdbc, ClusterSettings cluster, @Nullable StoreSharing sharing) {
        this.sharing = sharing;
        this.jdbc = jdbc;
        this.cluster = cluster;
        this.instanceId = java.util.Objects.requireNonNull(cluster.instanceId());
        this.ttl = cluster.leaseTtl();
        this.renewEvery = cluster.renewEvery();
    }

    /** How often an instance renews its claims (and looks for claims to take over): well within their time to live. */
    Duration renewEvery() {
        return renewEvery;
    }

    /**
     * A lane's renewal: {@link #hold} what the brokers gave this instance (when the target's {@code
     * count} of partitions is known), then {@link #mine}, both measured by one reading of the store's time.
     */
    Map<Integer, Integer> renew(String target, Collection<Integer> held, int count) {
        Instant now = StoreClock.now(jdbc);
        if (count > 0) {
            hold(target, held, count, now);
        }
        return mine(target, now);
    }

    /** The brokers gave this instance these partitions of the target's {@code count}: its claims, whoever held them. */
    void hold(String target, Collection<Integer> partitions, int count) {
        hold(target, partitions, count, StoreClock.now(jdbc));
    }

    private void hold(String target, Collection<Integer> partitions, int count, Instant now) {
        if (partitions.isEmpty()) {
            return;
        }
        Timestamp expires = Timestamp.from(now.plus(ttl));
        if (set(target, partitions, count, expires) == partitions.size()) {
            return;
        }
        Set<Integer> stored = new java.util.HashSet<>(jdbc.sql("select partition_no from partition_claim where target = ?")
            .param(target).query(Integer.class).list());
        for (int p : partitions) {
            if (!stored.contains(p)) {
                try {
                    jdbc.sql("insert into partition_claim (target, partition_no, partitions, holder, expires_at) values (?, ?, ?, ?, ?)")
                        .params(target, p, count, instanceId, expires).update();
                } catch (DuplicateKeyException e) {
                    set(target, Set.of(p), count, expires); // claimed by another instance just now: Kafka's word is final
                }
            }
        }
    }

    private int set(String target, Collection<Integer> partitions, int count, Timestamp expires) {
        return jdbc.sql("update partition_claim set holder = ?, partitions = ?, expires_at = ? where target = ? and partition_no in ("
                + partitions.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")")
            .params(instanceId, count, expires, target).update();
    }

    /**
     * Renews this instance's claims on the target, takes over those nobody renewed in time, and
     * returns them: per partition, how many partitions the topics had when it was claimed.
     */
    Map<Integer, Integer> mine(String target) {
        return mine(target, StoreClock.now(jdbc));
    }

    private Map<Integer, Integer> mine(String target, Instant now) {
        Timestamp expires = Timestamp.from(now.plus(ttl));
        // a claim let go after a rebalance (no holder) is the brokers' to give, and is taken over only a time to live later
        jdbc.sql("""
                update partition_claim set holder = ?, expires_at = ? where target = ?
                and (holder = ? or (holder <> '' and expires_at < ?) or expires_at < ?)""")
            .params(instanceId, expires, target, instanceId, Timestamp.from(now), Timestamp.from(now.minus(ttl))).update();
        takeOverGone(target, now, expires);
        Map<Integer, Integer> mine = new HashMap<>();
        jdbc.sql("select partition_no, partitions from partition_claim where target = ? and holder = ?")
            .params(target, instanceId).query((rs, n) -> mine.put(rs.getInt(1), rs.getInt(2))).list();
        return mine;
    }

    /**
     * Claims of an instance the store knows to be killed (no session of its holds the instance lock)
     * that it did not renew twice: taken over now rather than a time to live after its last renewal.
     */
    private void takeOverGone(String target, Instant now, Timestamp expires) {
        if (sharing == null) {
            return;
        }
        Timestamp missedTwice = Timestamp.from(cluster.missedTwoRenewals(now));
        List<String> stale = jdbc.sql("""
                select distinct holder from partition_claim where target = ? and holder <> '' and holder <> ? and expires_at < ?""")
            .params(target, instanceId, missedTwice).query(String.class).list();
        if (stale.isEmpty()) {
            return;
        }
        for (String gone : sharing.gone(stale)) {
            jdbc.sql("update partition_claim set holder = ?, expires_at = ? where target = ? and holder = ? and expires_at < ?")
                .params(instanceId, expires, target, gone, missedTwice).update();
        }
    }

    /** The brokers gave this instance {@code kept} after a rebalance: its other claims on the target go. */
    void keepOnly(String target, Set<Integer> kept) {
        String others = kept.isEmpty() ? "" : " and partition_no not in ("
            + kept.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
        jdbc.sql("update partition_claim set holder = '', expires_at = current_timestamp where target = ? and holder = ?" + others)
            .params(target, instanceId).update();
    }
}
