package org.roster.provisioning.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.roster.plan.Operation;
import org.roster.plan.OperationKind;
import org.roster.plan.Plan;
import org.roster.provisioning.OutboxEntry;
import org.roster.runtime.ClusterSettings;
import org.roster.support.Databases;
import org.roster.support.TestKafka;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A store switched to Kafka: the operations its instances planned without Kafka, still unfinished,
 * reach the target's topic when the relay starts (a real broker, PostgreSQL).
 */
class OperationRelayTests {

    private static final Instant T0 = Instant.parse("2026-12-04T06:00:00Z");

    @Test
    void operationsPlannedWithoutKafkaAreRelayedWhenTheRelayStarts() {
        DataSource ds = Databases.fresh(Databases.Kind.POSTGRESQL);
        JdbcClient jdbc = JdbcClient.create(ds);
        OutboxRepository alone = new OutboxRepository(jdbc, new JdbcTemplate(ds));
        alone.insert(plan("A", op("A", OperationKind.CREATE), op("A", OperationKind.ADD_ENTITLEMENT)));
        alone.insert(plan("B", op("B", OperationKind.CREATE)));
        OutboxEntry done = alone.pending("B").get(0);
        alone.markDone(List.of(new Outcomes.Acknowledged(done, T0, T0)));
        alone.insert(plan("C", op("C", OperationKind.CREATE)));

        String prefix = "relay" + Long.toString(System.nanoTime(), 36);
        ClusterSettings cluster = new ClusterSettings(true, "relay-test", null, new ClusterSettings.Kafka(
            TestKafka.shared().getBrokersAsString(), prefix, 2, null, null, null));
        OperationTopics topics = new OperationTopics(cluster);
        topics.ensure(List.of("dir"), Duration.ofSeconds(30));
        OutboxRepository overKafka = new OutboxRepository(jdbc, new JdbcTemplate(ds), cluster);
        OperationRelay relay = new OperationRelay(overKafka, topics, Set.of("dir"));
        relay.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                "select count(*) from outbox where relayed = 1").query(Long.class).single() == 3);
        } finally {
            relay.stop();
        }

        assertThat(jdbc.sql("select identity_key || ':' || relayed from outbox order by id").query(String.class).list())
            .as("the finished operation stays out of Kafka").containsExactly("A:1", "A:1", "B:2", "C:1");
        assertThat(keys(cluster, topics.routine("dir"))).containsExactlyInAnyOrder("A", "A", "C");
    }

    /**
     * The partition a lane computes for an identity, to find the revocations of its own partitions in
     * the store while the brokers are out of reach, is the one the relay's records of that identity go
     * to (a real broker, PostgreSQL, 40 identities over 6 partitions).
     */
    @Test
    void anIdentitysPartitionIsTheOneTheRelayProducesItsRecordsTo() {
        DataSource ds = Databases.fresh(Databases.Kind.POSTGRESQL);
        JdbcClient jdbc = JdbcClient.create(ds);
        String prefix = "part" + Long.toString(System.nanoTime(), 36);
        ClusterSettings cluster = new ClusterSettings(true, "relay-test", null, new ClusterSettings.Kafka(
            TestKafka.shared().getBrokersAsString(), prefix, 6, null, null, null));
        OperationTopics topics = new OperationTopics(cluster);
        topics.ensure(List.of("dir"), Duration.ofSeconds(30));
        assertThat(topics.partitions("dir")).isEqualTo(6);
        OutboxRepository overKafka = new OutboxRepository(jdbc, new JdbcTemplate(ds), cluster);
        int identities = 40;
        for (int i = 0; i < identities; i++) {
            overKafka.insert(plan("W" + i, op("W" + i, OperationKind.CREATE)));
        }
        OperationRelay relay = new OperationRelay(overKafka, topics, Set.of("dir"));
        relay.start();
        List<ConsumerRecord<String, String>> records;
        try {
            records = records(cluster, topics.routine("dir"), identities);
        } finally {
            relay.stop();
        }
        assertThat(records).hasSize(identities);
        assertThat(records.stream().map(ConsumerRecord::partition).distinct().count()).as("spread over partitions").isGreaterThan(3);
        for (ConsumerRecord<String, String> r : records) {
            assertThat(OperationTopics.partitionOf(r.key(), 6)).as(r.key()).isEqualTo(r.partition());
        }
    }

    private static List<String> keys(ClusterSettings cluster, String topic) {
        return records(cluster, topic, 3).stream().map(ConsumerRecord::key).toList();
    }

    private static List<ConsumerRecord<String, String>> records(ClusterSettings cluster, String topic, int expected) {
        Properties p = new OperationTopics(cluster).client("relay-test-reader");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, topic + ".reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (records.size() < expected && System.nanoTime() < until) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    records.add(r);
                }
            }
        }
        return records;
    }

    private static Operation op(String identity, OperationKind kind) {
        return new Operation("dir", identity, kind, Map.of("userName", identity.toLowerCase(java.util.Locale.ROOT)),
            kind == OperationKind.ADD_ENTITLEMENT ? "staff" : null, "test", false);
    }

    private static Plan plan(String identity, Operation... ops) {
        return new Plan(identity, "evt-" + identity, T0, T0, "v1", List.of(ops), "test");
    }
}
