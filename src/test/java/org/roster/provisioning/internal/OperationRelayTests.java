package org.roster.provisioning.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
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
 * The relay hands every pending operation to its target's topic once, in the order planned, and
 * records only how far it got (a real broker, PostgreSQL).
 */
class OperationRelayTests {

    private static final Instant T0 = Instant.parse("2026-12-04T06:00:00Z");

    /**
     * Operations planned before the relay started (as by instances without Kafka) reach the topic,
     * a finished one does not, and where the next relay starts moves past them.
     */
    @Test
    void pendingOperationsAreRelayedAndWhereTheNextRelayStartsMovesPastThem() {
        DataSource ds = Databases.fresh(Databases.Kind.POSTGRESQL);
        JdbcClient jdbc = JdbcClient.create(ds);
        OutboxRepository outbox = new OutboxRepository(jdbc, new JdbcTemplate(ds));
        outbox.insert(plan("A", op("A", OperationKind.CREATE), op("A", OperationKind.ADD_ENTITLEMENT)));
        outbox.insert(plan("B", op("B", OperationKind.CREATE)));
        OutboxEntry done = outbox.pending("B").get(0);
        outbox.markDone(List.of(new Outcomes.Acknowledged(done, T0, T0)));
        outbox.insert(plan("C", op("C", OperationKind.CREATE)));
        long lastId = jdbc.sql("select max(id) from outbox").query(Long.class).single();
        assertThat(outbox.relayStart()).as("a new store's relay starts at the first operation").isLessThanOrEqualTo(1);

        ClusterSettings cluster = cluster("relay");
        OperationTopics topics = topics(cluster);
        OperationRelay relay = new OperationRelay(outbox, topics, Set.of("dir"));
        relay.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> outbox.relayStart() > lastId);
        } finally {
            relay.stop();
        }
        assertThat(keys(cluster, topics.routine("dir"), 3)).as("the finished operation stays out of Kafka")
            .containsExactlyInAnyOrder("A", "A", "C");
    }

    /**
     * An operation whose transaction drew its id before others were planned and committed after the
     * relay had read past it is still relayed; those rolled back hold nothing back, however many ids
     * they drew; and where the next relay starts stays below the first until it is relayed
     * (PostgreSQL: real transactions on connections of their own).
     */
    @Test
    void anOperationCommittedAfterTheRelayReadPastItIsRelayedAndOneRolledBackHoldsNothingBack() throws Exception {
        DataSource ds = Databases.fresh(Databases.Kind.POSTGRESQL);
        JdbcClient jdbc = JdbcClient.create(ds);
        OutboxRepository outbox = new OutboxRepository(jdbc, new JdbcTemplate(ds));
        ClusterSettings cluster = cluster("gaps");
        OperationTopics topics = topics(cluster);
        OperationRelay relay = new OperationRelay(outbox, topics, Set.of("dir"));
        relay.start();
        try (Connection late = ds.getConnection(); Connection undone = ds.getConnection()) {
            long lateId = drawn(late, "LATE");
            long undoneId = drawn(undone, "UNDONE");
            outbox.insert(plan("AFTER", op("AFTER", OperationKind.CREATE)));
            long afterId = jdbc.sql("select id from outbox where identity_key = 'AFTER'").query(Long.class).single();
            assertThat(afterId).isGreaterThan(Math.max(lateId, undoneId));
            relay.wake();
            List<String> first = keys(cluster, topics.routine("dir"), 1);
            assertThat(first).as("what was committed goes at once").containsExactly("AFTER");
            assertThat(outbox.relayStart()).as("not past what may still be committed").isLessThanOrEqualTo(lateId);

            undone.rollback();
            late.commit();
            relay.wake();
            awaitRelayedPast(relay, outbox, afterId);

            // more ids rolled back than a read spans: what comes after them is still found
            for (int i = 0; i < 1_500; i++) {
                drawn(undone, "UNDONE" + i);
            }
            undone.rollback();
            outbox.insert(plan("BEYOND", op("BEYOND", OperationKind.CREATE)));
            long beyondId = jdbc.sql("select id from outbox where identity_key = 'BEYOND'").query(Long.class).single();
            assertThat(beyondId).isGreaterThan(afterId + 1_500);
            awaitRelayedPast(relay, outbox, beyondId);
        } finally {
            relay.stop();
        }
        assertThat(keys(cluster, topics.routine("dir"), 3)).as("each committed operation once, those rolled back never")
            .containsExactlyInAnyOrder("AFTER", "LATE", "BEYOND");
    }

    /**
     * The relay's look for the next id past an empty range can see an operation committed after the
     * relay read the bounds of its snapshot; an id below it, drawn meanwhile by a transaction still
     * running, is a gap whose transaction began after those bounds. The gap was tagged with them and
     * dropped at the next pass, and the recorded start went past an operation not yet committed: in
     * Kafka mode, lost. Deterministic: the look for the next id first has such a transaction draw an
     * id and another operation commit.
     */
    @Test
    void anIdTheLookForTheNextWentPastIsHeldWhileItsTransactionRuns() throws Exception {
        DataSource ds = Databases.fresh(Databases.Kind.POSTGRESQL);
        JdbcClient jdbc = JdbcClient.create(ds);
        java.util.concurrent.atomic.AtomicReference<Runnable> beforeNext = new java.util.concurrent.atomic.AtomicReference<>();
        OutboxRepository outbox = new OutboxRepository(jdbc, new JdbcTemplate(ds)) {
            @Override
            public Long relayNext(long after) {
                Runnable meanwhile = beforeNext.getAndSet(null);
                if (meanwhile != null) {
                    meanwhile.run();
                }
                return super.relayNext(after);
            }
        };
        ClusterSettings cluster = cluster("next");
        OperationTopics topics = topics(cluster);
        OperationRelay relay = new OperationRelay(outbox, topics, Set.of("dir"));
        try (Connection late = ds.getConnection()) {
            long[] lateId = new long[1];
            beforeNext.set(() -> {
                try {
                    lateId[0] = drawn(late, "LATE");
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
                outbox.insert(plan("AFTER", op("AFTER", OperationKind.CREATE)));
            });
            relay.start();
            assertThat(keys(cluster, topics.routine("dir"), 1)).containsExactly("AFTER");
            long afterId = jdbc.sql("select id from outbox where identity_key = 'AFTER'").query(Long.class).single();
            assertThat(afterId).isGreaterThan(lateId[0]);
            for (int i = 0; i < 5; i++) {
                relay.wake();
                Thread.sleep(100);
            }
            assertThat(outbox.relayStart()).as("not past an operation whose transaction still runs").isLessThanOrEqualTo(lateId[0]);

            late.commit();
            awaitRelayedPast(relay, outbox, afterId);
        } finally {
            relay.stop();
        }
        assertThat(keys(cluster, topics.routine("dir"), 2)).as("the late operation relayed too, once")
            .containsExactlyInAnyOrder("AFTER", "LATE");
    }

    /**
     * Draws an operation's id in the connection's transaction, begun with its transaction id (as
     * Roster's are before they draw operation ids).
     */
    private static long drawn(Connection c, String identity) throws java.sql.SQLException {
        c.setAutoCommit(false);
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("select pg_current_xact_id()");
            try (java.sql.ResultSet rs = s.executeQuery("""
                    insert into outbox (target, identity_key, kind, attributes, reason, priority, status, attempts,
                        correlation_id, hr_received_at, planned_at, next_attempt_at)
                    values ('dir', '%s', 'CREATE', '{}', 'test', 0, 'PENDING', 0, 'evt', now(), now(), now())
                    returning id""".formatted(identity))) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The target's topics, made on the test's broker. */
    private static OperationTopics topics(ClusterSettings cluster) {
        OperationTopics topics = new OperationTopics(cluster);
        topics.ensure(List.of("dir"), Duration.ofSeconds(30));
        return topics;
    }

    /** Waits until the relay's recorded start is past the id, waking it at each look. */
    private static void awaitRelayedPast(OperationRelay relay, OutboxRepository outbox, long id) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            relay.wake();
            return outbox.relayStart() > id;
        });
    }

    private static ClusterSettings cluster(String name) {
        return new ClusterSettings(true, "relay-test", null, new ClusterSettings.Kafka(
            TestKafka.shared().getBrokersAsString(), name + Long.toString(System.nanoTime(), 36), 2, null, null, null));
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
        OperationTopics topics = topics(cluster);
        assertThat(topics.partitions("dir")).isEqualTo(6);
        OutboxRepository overKafka = new OutboxRepository(jdbc, new JdbcTemplate(ds));
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

    /** The keys of the topic's records, read from its start until {@code expected} (or 20 s). */
    private static List<String> keys(ClusterSettings cluster, String topic, int expected) {
        return records(cluster, topic, expected).stream().map(ConsumerRecord::key).toList();
    }

    private static List<ConsumerRecord<String, String>> records(ClusterSettings cluster, String topic, int expected) {
        Properties p = new OperationTopics(cluster).client("relay-test-reader");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, topic + ".reader." + System.nanoTime());
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
