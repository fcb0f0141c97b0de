package org.roster.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.cluster}: several Roster instances over one PostgreSQL.
 *
 * @param enabled off (the default): one instance, every background loop runs here. On: each loop
 *     (a target's dispatch, the effective-date scheduler, expiry, checkpoint signing, reconciliation
 *     schedules, deliveries...) runs on one instance at a time, the one holding its lease in the store
 * @param instanceId this instance's name in the leases (a random one when not given; give a stable
 *     one, so that a restarted instance takes its leases back at once)
 * @param leaseTtl how long a lease lasts unless renewed (30 s): how soon another instance takes over
 *     the loops of one that stopped without a word (one that was killed, after two renewals: see
 *     {@link StoreSharing#gone}); renewed every {@link #renewEvery()}
 * @param kafka with it, operations go from the outbox to Kafka and each target's dispatch is a
 *     consumer group: every instance sends its share of every target's work. Without it, each
 *     target's dispatch runs on the one instance holding its lease
 */
@ConfigurationProperties("roster.cluster")
public record ClusterSettings(boolean enabled, @Nullable String instanceId, @Nullable Duration leaseTtl,
                              @Nullable Kafka kafka) {

    public ClusterSettings {
        instanceId = instanceId == null || instanceId.isBlank() ? "roster-" + UUID.randomUUID() : instanceId;
        leaseTtl = leaseTtl == null ? Duration.ofSeconds(30) : leaseTtl;
        if (instanceId.length() > 200) {
            throw new IllegalStateException("roster.cluster.instance-id: at most 200 characters");
        }
        if (leaseTtl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalStateException("roster.cluster.lease-ttl: at least 1s");
        }
        if (kafka != null && kafka.bootstrapServers() != null && !enabled) {
            throw new IllegalStateException("roster.cluster.kafka: needs roster.cluster.enabled: true");
        }
    }

    /**
     * How often an instance renews what it holds in the store beside its leases (partition claims,
     * exclusive runs): a third of the lease time to live, 5 s at most.
     */
    public Duration renewEvery() {
        Duration third = leaseTtl.dividedBy(3);
        return third.compareTo(Duration.ofSeconds(5)) < 0 ? third : Duration.ofSeconds(5);
    }

    /**
     * What an instance holds for a time (a lease, a claim, a run) lasts until its last renewal plus
     * the lease time to live: one that would last until before this, measured at {@code now}, missed
     * two renewals. With its instance's session gone from the store, it is taken over then.
     */
    public Instant missedTwoRenewals(Instant now) {
        return now.plus(leaseTtl).minus(renewEvery().multipliedBy(2));
    }

    /** Whether operations go over Kafka: cluster mode with brokers configured. */
    public boolean overKafka() {
        return enabled && kafka != null && kafka.bootstrapServers() != null;
    }

    /**
     * The brokers between planning and dispatch. Each target has two topics, {@code
     * <prefix>.operations.<target>} and {@code <prefix>.revocations.<target>}, with the same number of
     * partitions and records keyed by the identity, so one person's operations stay on one partition
     * number, read by one instance.
     *
     * @param bootstrapServers the brokers
     * @param topicPrefix the start of every topic and consumer group name ({@code roster})
     * @param partitions partitions of each topic Roster creates (12): at most this many instances
     *     share one target's work
     * @param replicationFactor replicas of each topic Roster creates (the brokers' default when not given)
     * @param sessionTimeout how soon the group gives a silent instance's partitions to the others (10 s)
     * @param properties further client settings (TLS, SASL); secrets as {@code ${ENV_VAR}} references
     */
    public record Kafka(@Nullable String bootstrapServers, @Nullable String topicPrefix, @Nullable Integer partitions,
                        @Nullable Short replicationFactor, @Nullable Duration sessionTimeout,
                        @Nullable Map<String, String> properties) {

        public Kafka {
            topicPrefix = topicPrefix == null || topicPrefix.isBlank() ? "roster" : topicPrefix;
            partitions = partitions == null ? 12 : partitions;
            sessionTimeout = sessionTimeout == null ? Duration.ofSeconds(10) : sessionTimeout;
            properties = properties == null ? Map.of() : Map.copyOf(properties);
            if (bootstrapServers != null && bootstrapServers.isBlank()) {
                throw new IllegalStateException("roster.cluster.kafka.bootstrap-servers: is empty");
            }
            if (!topicPrefix.matches("[a-zA-Z0-9._-]{1,100}")) {
                throw new IllegalStateException("roster.cluster.kafka.topic-prefix: 1 to 100 letters, digits, '.', '_' or '-'");
            }
            if (partitions < 1 || partitions > 10_000) {
                throw new IllegalStateException("roster.cluster.kafka.partitions: between 1 and 10000, was " + partitions);
            }
            if (replicationFactor != null && replicationFactor < 1) {
                throw new IllegalStateException("roster.cluster.kafka.replication-factor: at least 1");
            }
            if (sessionTimeout.compareTo(Duration.ofSeconds(6)) < 0 || sessionTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalStateException("roster.cluster.kafka.session-timeout: between 6s and 5m (the brokers' bounds)");
            }
        }

        @Override
        public String toString() {
            return "Kafka[bootstrapServers=" + bootstrapServers + ", topicPrefix=" + topicPrefix + "]"; // never the properties
        }
    }
}
