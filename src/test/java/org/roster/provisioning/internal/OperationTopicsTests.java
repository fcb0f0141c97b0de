package org.roster.provisioning.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.roster.runtime.ClusterSettings;
import org.roster.support.RosterProcess;
import org.roster.support.TestKafka;

/**
 * What a start finds at the brokers (a real one): the targets' topics, created or found; a broker
 * that does not answer, which Roster starts without; and a mistake, which it still refuses.
 */
class OperationTopicsTests {

    @Test
    void theTargetsTopicsAreCreatedWithTheirPartitionsOrFound() {
        OperationTopics topics = topics(TestKafka.shared().getBrokersAsString(), "ensure" + Long.toString(System.nanoTime(), 36));
        topics.ensure(List.of("dir", "app"), Duration.ofSeconds(30));
        assertThat(topics.partitions("dir")).isEqualTo(3);
        assertThat(topics.partitions("app")).isEqualTo(3);
        topics.ensure(List.of("dir"), Duration.ofSeconds(30)); // found again: nothing to create
        assertThat(topics.partitions("dir")).isEqualTo(3);
    }

    @Test
    void noBrokerAnsweringIsAnOutageNotAMistake() {
        String nobody = "127.0.0.1:" + RosterProcess.freePort();
        OperationTopics topics = topics(nobody, "nobody");
        long started = System.nanoTime();
        assertThatThrownBy(() -> topics.ensure(List.of("dir"), Duration.ofSeconds(2)))
            .isInstanceOf(OperationTopics.BrokersUnreachable.class)
            .hasMessage("the brokers at " + nobody + " did not answer");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("within the time given, and a little more")
            .isLessThan(Duration.ofSeconds(8));
        assertThat(topics.partitions("dir")).isZero();
    }

    @Test
    void aTargetsTwoTopicsWithDifferentPartitionCountsAreStillRefused() {
        String prefix = "mismatch" + Long.toString(System.nanoTime(), 36);
        TestKafka.withTopic(prefix + ".operations.dir", 2);
        String brokers = TestKafka.withTopic(prefix + ".revocations.dir", 4);
        OperationTopics topics = topics(brokers, prefix);
        assertThatThrownBy(() -> topics.ensure(List.of("dir"), Duration.ofSeconds(30)))
            .isInstanceOf(IllegalStateException.class)
            .isNotInstanceOf(OperationTopics.BrokersUnreachable.class)
            .hasMessageContaining(prefix + ".operations.dir (2 partitions)")
            .hasMessageContaining(prefix + ".revocations.dir (4)");
    }

    private static OperationTopics topics(String brokers, String prefix) {
        return new OperationTopics(new ClusterSettings(true, "topics-test", null,
            new ClusterSettings.Kafka(brokers, prefix, 3, null, null, null)));
    }
}
