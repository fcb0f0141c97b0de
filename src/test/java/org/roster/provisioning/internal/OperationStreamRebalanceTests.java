package org.roster.provisioning.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.roster.plan.Operation;
import org.roster.plan.OperationKind;
import org.roster.plan.Plan;
import org.roster.runtime.ClusterSettings;
import org.roster.support.Databases;
import org.roster.support.TestKafka;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A rebalance that has not assigned anything yet: every member gave its partitions up when it began,
 * and none holds them until it ends. The brokers may go away in the middle of it (the two-instance
 * broker drill was once killed just then), and a revocation planned meanwhile must still be sent
 * from the store by the one instance that held its identity's partition before. Here the rebalance
 * is held open for real, with the broker up: a third member of the group stops polling, so the group
 * waits for it to join again (a real broker, PostgreSQL).
 */
class OperationStreamRebalanceTests {

    private static final Instant T0 = Instant.parse("2026-12-05T06:00:00Z");
    private static final int PARTITIONS = 4;

    @Test
    void aRevocationPlannedDuringARebalanceIsSentByTheInstanceThatHeldItsPartitionBefore() throws InterruptedException {
        DataSource ds = Databases.fresh(Databases.Kind.POSTGRESQL);
        JdbcClient jdbc = JdbcClient.create(ds);
        String prefix = "rebal" + Long.toString(System.nanoTime(), 36);
        ClusterSettings cluster = new ClusterSettings(true, "rebalance-a", null, new ClusterSettings.Kafka(
            TestKafka.shared().getBrokersAsString(), prefix, PARTITIONS, null, Duration.ofSeconds(6), null));
        OperationTopics topics = new OperationTopics(cluster);
        topics.ensure(List.of("dir"), Duration.ofSeconds(30));
        OutboxRepository outbox = new OutboxRepository(jdbc, new JdbcTemplate(ds));
        String group = topics.group("dir");
        List<String> subscribed = List.of(topics.routine("dir"), topics.revocations("dir"));

        OperationStream a = new OperationStream("dir", topics, outbox, new PartitionClaims(jdbc, cluster));
        a.open();
        Admin admin = Admin.create(topics.client("rebalance-admin"));
        KafkaConsumer<String, String> c = member(topics, "rebalance-c");
        KafkaConsumer<String, String> b = member(topics, "rebalance-b");
        try {
            // a and c share the partitions, the group settled
            c.subscribe(subscribed);
            settled("a and c hold partitions").until(() -> {
                a.next(Instant.now(), 100);
                c.poll(Duration.ofMillis(100));
                ConsumerGroupDescription g = describe(admin, group);
                return g.groupState() == GroupState.STABLE && g.members().size() == 2
                    && !a.assignment().isEmpty() && !c.assignment().isEmpty();
            });
            Set<Integer> heldByA = revocationPartitions(a.assignment(), topics);
            assertThat(heldByA).as("a's share of the revocation partitions").isNotEmpty().hasSizeLessThan(PARTITIONS);

            // b joins; c polls no more, so the group waits for it, and a, having given its partitions up, holds none
            b.subscribe(subscribed);
            settled("a gave its partitions up").until(() -> {
                b.poll(Duration.ofMillis(100));
                a.next(Instant.now(), 100);
                return a.assignment().isEmpty();
            });

            Set<String> identities = new HashSet<>();
            for (int i = 0; i < 16; i++) {
                identities.add("L" + i);
                outbox.insert(plan("L" + i, new Operation("dir", "L" + i, OperationKind.DISABLE, Map.of("userName", "l" + i),
                    null, "leaver", true)));
            }
            Set<String> sentByA = new HashSet<>();
            settled("a sends revocations from the store").until(() -> {
                sentByA.addAll(revocations(a.next(Instant.now(), 100)));
                return !sentByA.isEmpty();
            });
            for (int i = 0; i < 3; i++) {
                sentByA.addAll(revocations(a.next(Instant.now(), 100)));
            }

            assertThat(a.assignment()).as("still in the rebalance").isEmpty();
            assertThat(describe(admin, group).groupState()).isEqualTo(GroupState.PREPARING_REBALANCE);
            Set<String> expected = new HashSet<>();
            identities.stream().filter(id -> heldByA.contains(OperationTopics.partitionOf(id, PARTITIONS))).forEach(expected::add);
            assertThat(expected).as("the test's identities fall on a's partitions and on c's").isNotEmpty().hasSizeLessThan(identities.size());
            assertThat(sentByA).as("the identities of the partitions a held, and no other (c still holds its own)")
                .isEqualTo(expected);
        } finally {
            // without waiting for the group: a consumer's close otherwise waits out the rebalance left open
            b.close(Duration.ZERO);
            c.close(Duration.ZERO);
            admin.close(Duration.ZERO);
            a.close();
        }
    }

    private static KafkaConsumer<String, String> member(OperationTopics topics, String clientId) {
        Properties p = topics.client(clientId);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, topics.group("dir"));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, org.apache.kafka.clients.consumer.RangeAssignor.class.getName());
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000);
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 120_000); // how long the group waits for c to join again
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    private static Set<Integer> revocationPartitions(Set<TopicPartition> assignment, OperationTopics topics) {
        Set<Integer> partitions = new HashSet<>();
        assignment.stream().filter(tp -> tp.topic().equals(topics.revocations("dir"))).forEach(tp -> partitions.add(tp.partition()));
        return partitions;
    }

    private static ConsumerGroupDescription describe(Admin admin, String group) {
        try {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polled on the test's thread: a Kafka consumer takes one thread only. */
    private static ConditionFactory settled(String what) {
        return await(what).atMost(Duration.ofSeconds(40)).pollInSameThread().pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(1));
    }

    private static Set<String> revocations(ReadyWork work) {
        Set<String> identities = new HashSet<>();
        work.revocations().forEach(chain -> chain.forEach(e -> identities.add(e.operation().identity())));
        return identities;
    }

    private static Plan plan(String identity, Operation... ops) {
        return new Plan(identity, "evt-" + identity, T0, T0, "v1", List.of(ops), "test");
    }
}
