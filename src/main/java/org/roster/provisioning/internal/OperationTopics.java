package org.roster.provisioning.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.roster.runtime.ClusterSettings;

/**
 * The Kafka topics between planning and dispatch, per target: {@code <prefix>.operations.<target>}
 * for routine work and {@code <prefix>.revocations.<target>} for revocations, which a lane reads
 * first. Both have the same number of partitions and records keyed by the identity, so the default
 * partitioner puts one person's records on the same partition number of each, and the range
 * assignor gives both to the same instance: one person's operations on a target are sent by one
 * instance, in the order they were planned.
 */
final class OperationTopics {

    private final ClusterSettings.Kafka settings;
    private final String instanceId;
    /** Per target, how many partitions each of its topics has, as described when they were ensured. */
    private final Map<String, Integer> partitions = new java.util.concurrent.ConcurrentHashMap<>();

    OperationTopics(ClusterSettings settings) {
        this.settings = java.util.Objects.requireNonNull(settings.kafka());
        this.instanceId = settings.instanceId();
    }

    String routine(String target) {
        return settings.topicPrefix() + ".operations." + target;
    }

    String revocations(String target) {
        return settings.topicPrefix() + ".revocations." + target;
    }

    String group(String target) {
        return settings.topicPrefix() + ".dispatch." + target;
    }

    String instanceId() {
        return instanceId;
    }

    /** How many partitions the target's topics have, as {@link #ensure} found them; 0 if not yet known. */
    int partitions(String target) {
        return partitions.getOrDefault(target, 0);
    }

    /**
     * The partition of the target's topics an identity's records go to: the default partitioner's for
     * a record keyed by it (murmur2 of the key's bytes), as the relay's producer uses.
     */
    static int partitionOf(String identity, int partitions) {
        return org.apache.kafka.common.utils.Utils.toPositive(
            org.apache.kafka.common.utils.Utils.murmur2(identity.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions;
    }

    ClusterSettings.Kafka settings() {
        return settings;
    }

    /** The client settings every Roster client shares: the brokers and the operator's own (TLS, SASL). */
    Properties client(String clientId) {
        Properties p = new Properties();
        p.putAll(settings.properties());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, java.util.Objects.requireNonNull(settings.bootstrapServers()));
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return p;
    }

    /** The brokers did not answer in time: an outage, not a mistake in the configuration. */
    static final class BrokersUnreachable extends IllegalStateException {
        BrokersUnreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Creates the targets' topics that do not exist, and refuses to start when a pair has different
     * partition counts: records of one person would then sit on partitions read by different instances.
     *
     * @throws BrokersUnreachable when the brokers do not answer within {@code timeout}
     */
    void ensure(Collection<String> targets, Duration timeout) {
        for (String target : targets) {
            if (!target.matches("[a-zA-Z0-9._-]{1,100}")) {
                throw new IllegalStateException("roster.provisioning.targets[" + target + "].name: in cluster mode over"
                    + " Kafka a target's name is part of its topics' names: 1 to 100 letters, digits, '.', '_' or '-'");
            }
        }
        long seconds = Math.max(1, timeout.toSeconds());
        Properties p = client("roster-admin-" + instanceId);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        // This client lives for one question. With no broker answering, Kafka's admin client otherwise goes back to
        // the bootstrap servers in a loop that grows to hundreds of times a second (each logged); asked again later,
        // it starts from them anyway.
        p.putIfAbsent(AdminClientConfig.METADATA_RECOVERY_STRATEGY_CONFIG, "none");
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> topics = new ArrayList<>();
            for (String target : targets) {
                for (String name : List.of(routine(target), revocations(target))) {
                    topics.add(new NewTopic(name, Optional.of(settings.partitions()),
                        Optional.ofNullable(settings.replicationFactor())));
                }
            }
            admin.createTopics(topics).values().forEach((name, f) -> answer(f, seconds, "creating Kafka topic " + name,
                cause -> cause instanceof TopicExistsException ? null : new IllegalStateException("Kafka topic " + name
                    + " could not be created: " + cause.getClass().getSimpleName(), cause)));
            List<String> names = topics.stream().map(NewTopic::name).toList();
            Map<String, TopicDescription> described = describe(admin, names, timeout);
            for (String target : targets) {
                int routine = described.get(routine(target)).partitions().size();
                int revocations = described.get(revocations(target)).partitions().size();
                if (routine != revocations) {
                    throw new IllegalStateException("Kafka topics " + routine(target) + " (" + routine + " partitions) and "
                        + revocations(target) + " (" + revocations + "): a target's two topics need the same number"
                        + " of partitions, so that one person's operations are read by one instance");
                }
                partitions.put(target, revocations);
            }
        }
    }

    /**
     * The topics as the brokers describe them. A topic just created can be unknown for a moment to the
     * broker asked (it has not had the controller's news yet: {@code UnknownTopicOrPartition}), so that
     * is asked again, after 50 ms, then twice as long each time up to a second, until {@code timeout}.
     */
    private Map<String, TopicDescription> describe(Admin admin, List<String> names, Duration timeout) {
        long seconds = Math.max(1, timeout.toSeconds());
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long pause = 50; ; pause = Math.min(pause * 2, 1000)) {
            long next = System.nanoTime() + pause * 1_000_000; // when it would be asked again
            Map<String, TopicDescription> described = answer(admin.describeTopics(names).allTopicNames(), seconds,
                "describing Kafka topics", cause -> cause instanceof UnknownTopicOrPartitionException
                    && next < deadline ? null
                    : new IllegalStateException("Kafka topics could not be described at " + settings.bootstrapServers()
                        + ": " + cause.getClass().getSimpleName(), cause));
            if (described != null) {
                return described;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted describing Kafka topics", e);
            }
        }
    }

    /**
     * The brokers' answer within {@code seconds}: none, or Kafka's own time-out, is {@link BrokersUnreachable};
     * another failure is what {@code failed} makes of it (nothing, for one that does not matter).
     */
    private <T> @org.jspecify.annotations.Nullable T answer(org.apache.kafka.common.KafkaFuture<T> f, long seconds, String doing,
            java.util.function.Function<Throwable, @org.jspecify.annotations.Nullable RuntimeException> failed) {
        try {
            return f.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw unreachable(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable(e.getCause());
            }
            RuntimeException refused = failed.apply(e.getCause());
            if (refused != null) {
                throw refused;
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted " + doing, e);
        }
    }

    private BrokersUnreachable unreachable(Throwable cause) {
        return new BrokersUnreachable("the brokers at " + settings.bootstrapServers() + " did not answer", cause);
    }
}
