package org.roster.support;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One real Kafka broker (KRaft) in the test JVM, started the first time a test asks for it and
 * stopped when the JVM ends: the tests that need Kafka share it, each with topics of its own.
 */
public final class TestKafka {

    private static EmbeddedKafkaKraftBroker broker;

    private TestKafka() {
    }

    /** The shared broker, started now if it is not yet running. */
    public static synchronized EmbeddedKafkaKraftBroker shared() {
        if (broker == null) {
            EmbeddedKafkaKraftBroker b = new EmbeddedKafkaKraftBroker(1, 1);
            b.afterPropertiesSet();
            Runtime.getRuntime().addShutdownHook(new Thread(b::destroy, "test-kafka-stop"));
            broker = b;
        }
        return broker;
    }

    /** The shared broker's address, with a topic of this many partitions created on it. */
    public static String withTopic(String topic, int partitions) {
        EmbeddedKafkaKraftBroker b = shared();
        b.addTopics(new NewTopic(topic, partitions, (short) 1));
        return b.getBrokersAsString();
    }
}
