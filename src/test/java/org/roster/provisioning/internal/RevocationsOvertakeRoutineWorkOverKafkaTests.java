package org.roster.provisioning.internal;

import org.roster.support.Databases;
import org.roster.support.TestKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same in cluster mode over Kafka (PostgreSQL, a real broker): the lane's pass is the records
 * it fetched, and it stops for a revocation when one arrives on the target's revocations topic,
 * whichever instance planned it.
 */
class RevocationsOvertakeRoutineWorkOverKafkaTests extends RevocationsOvertakeRoutineWorkTests {

    @DynamicPropertySource
    static void overKafka(DynamicPropertyRegistry r) {
        String store = Databases.freshPostgresUrl();
        String prefix = "overtake" + Long.toString(System.nanoTime(), 36);
        r.add("roster.store.url", () -> store);
        r.add("roster.cluster.enabled", () -> "true");
        r.add("roster.cluster.kafka.bootstrap-servers", () -> TestKafka.shared().getBrokersAsString());
        r.add("roster.cluster.kafka.topic-prefix", () -> prefix);
        r.add("roster.cluster.kafka.partitions", () -> "2");
    }
}
