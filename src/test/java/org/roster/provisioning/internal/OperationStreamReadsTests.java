package org.roster.provisioning.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
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
 * A lane in cluster mode holds up to {@link OperationStream#MAX_QUEUED} records while it sends a
 * pass's worth of their operations: it reads from the store the chains of the identities it can send
 * this pass, not of every identity waiting, and an identity whose next operation waits for a retry
 * holds back no one else (a real broker, PostgreSQL).
 */
class OperationStreamReadsTests {

    private static final Instant T0 = Instant.parse("2026-12-07T06:00:00Z");
    private static final int IDENTITIES = 1_500;
    private static final int PASS = 100;

    @Test
    void aPassReadsTheChainsItCanSendAndEveryOperationGoesOnceInOrder() throws Exception {
        DataSource ds = Databases.fresh(Databases.Kind.POSTGRESQL);
        JdbcClient jdbc = JdbcClient.create(ds);
        ClusterSettings cluster = new ClusterSettings(true, "reads-a", null, new ClusterSettings.Kafka(
            TestKafka.shared().getBrokersAsString(), "reads" + Long.toString(System.nanoTime(), 36), 2, null,
            Duration.ofSeconds(6), null));
        OperationTopics topics = new OperationTopics(cluster);
        topics.ensure(List.of("dir"), Duration.ofSeconds(30));
        AtomicLong asked = new AtomicLong();
        OutboxRepository outbox = new OutboxRepository(jdbc, new JdbcTemplate(ds)) {
            @Override
            public List<OutboxEntry> pending(String target, Collection<String> identities) {
                asked.addAndGet(identities.size());
                return super.pending(target, identities);
            }
        };
        // W0 first, its operations waiting for a retry an hour away; then each identity's create and group add
        List<String> identities = new ArrayList<>();
        for (int i = 0; i < IDENTITIES; i++) {
            String w = "W" + i;
            identities.add(w);
            outbox.insert(new Plan(w, "evt-" + w, T0, T0, "v1", List.of(
                new Operation("dir", w, OperationKind.CREATE, Map.of("userName", w.toLowerCase()), null, "joiner", false),
                new Operation("dir", w, OperationKind.ADD_ENTITLEMENT, Map.of(), "staff", "birthright", false)), "test"));
        }
        jdbc.sql("update outbox set next_attempt_at = ? where identity_key = 'W0'")
            .param(java.sql.Timestamp.from(Instant.now().plus(Duration.ofHours(1)))).update();
        relay(topics, jdbc);

        OperationStream stream = new OperationStream("dir", topics, outbox, new PartitionClaims(jdbc, cluster));
        stream.open();
        Map<String, List<Long>> sent = new HashMap<>();
        int operations = 0;
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (operations < 2 * (IDENTITIES - 1) && System.nanoTime() < deadline) {
                ReadyWork work = stream.next(Instant.now(), PASS);
                List<Long> done = new ArrayList<>();
                for (List<OutboxEntry> chain : work.routine()) {
                    for (OutboxEntry e : chain) {
                        sent.computeIfAbsent(e.operation().identity(), k -> new ArrayList<>()).add(e.id());
                        done.add(e.id());
                    }
                }
                assertThat(done.size()).as("at most a pass's worth").isLessThanOrEqualTo(PASS);
                operations += done.size();
                if (!done.isEmpty()) {
                    jdbc.sql("update outbox set status = 'DONE' where id in (:ids)").param("ids", done).update();
                }
            }
        } finally {
            stream.close();
        }

        assertThat(sent).as("every identity but the one waiting for its retry").hasSize(IDENTITIES - 1)
            .doesNotContainKey("W0");
        Map<String, List<Long>> planned = new HashMap<>();
        jdbc.sql("select identity_key, id from outbox where identity_key <> 'W0' order by id")
            .query((rs, n) -> planned.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getLong(2))).list();
        assertThat(sent).as("each operation once, each identity's in the order planned").isEqualTo(planned);
        // Reading every waiting identity's chain each pass asked 14 times as many (20 950); reading what a
        // pass can send, about twice each (3 652): to send its operations, and in the next pass to learn
        // they are done and forget its records.
        assertThat(asked.get()).as("identities whose chains were read").isLessThan(3L * IDENTITIES);
    }

    /** What the relay does: a record per operation, keyed by its identity, on the target's routine topic. */
    private static void relay(OperationTopics topics, JdbcClient jdbc) throws Exception {
        Properties p = topics.client("reads-relay");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (Map.Entry<Long, String> op : jdbc.sql("select id, identity_key from outbox order by id")
                .query((rs, n) -> Map.entry(rs.getLong(1), rs.getString(2))).list()) {
                producer.send(new ProducerRecord<>(topics.routine("dir"), op.getValue(), Long.toString(op.getKey())));
            }
            producer.flush();
        }
    }
}
