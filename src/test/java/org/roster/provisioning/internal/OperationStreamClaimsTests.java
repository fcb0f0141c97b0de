package org.roster.provisioning.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.roster.plan.Operation;
import org.roster.plan.OperationKind;
import org.roster.plan.Plan;
import org.roster.runtime.ClusterSettings;
import org.roster.support.Databases;
import org.roster.support.RosterProcess;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An instance started while no broker answers: its lane has no consumer and no partition from the
 * brokers, and sends the revocations of the partitions it claims in the store: its own claims from
 * before, at once, and those another instance stopped renewing, once they ran out (PostgreSQL, no
 * broker at all).
 */
class OperationStreamClaimsTests {

    private static final Instant T0 = Instant.parse("2026-12-05T06:00:00Z");

    @Test
    void withoutBrokersALaneSendsTheRevocationsOfThePartitionsItClaims() throws InterruptedException {
        DataSource ds = Databases.fresh(Databases.Kind.POSTGRESQL);
        JdbcClient jdbc = JdbcClient.create(ds);
        ClusterSettings x = settings("x");
        OutboxRepository outbox = new OutboxRepository(jdbc, new JdbcTemplate(ds));
        new PartitionClaims(jdbc, x).hold("dir", Set.of(0, 1), 4);           // x's, from before it was started again
        new PartitionClaims(jdbc, settings("y")).hold("dir", Set.of(2, 3), 4); // y's, which y will not renew
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 16; i++) {
            all.add("L" + i);
            outbox.insert(new Plan("L" + i, "evt-L" + i, T0, T0, "v1", List.of(new Operation("dir", "L" + i,
                OperationKind.DISABLE, Map.of("userName", "l" + i), null, "leaver", true)), "test"));
        }

        OperationTopics topics = new OperationTopics(x); // never ensured: no broker answered
        OperationStream stream = new OperationStream("dir", topics, outbox, new PartitionClaims(jdbc, x));
        stream.open();
        try {
            Set<String> own = new HashSet<>();
            all.stream().filter(id -> OperationTopics.partitionOf(id, 4) < 2).forEach(own::add);
            assertThat(own).as("the test's identities fall on both instances' partitions").isNotEmpty().hasSizeLessThan(16);
            assertThat(revocations(stream.next(Instant.now(), 100))).as("its own claims, at once").isEqualTo(own);
            assertThat(stream.assignment()).as("no consumer without brokers").isEmpty();

            Thread.sleep(1_300); // y's claims run out (time to live 1 s)
            assertThat(revocations(stream.next(Instant.now(), 100))).as("and y's, taken over").isEqualTo(all);
        } finally {
            stream.close();
        }
    }

    private static Set<String> revocations(ReadyWork work) {
        Set<String> identities = new HashSet<>();
        work.revocations().forEach(chain -> chain.forEach(e -> identities.add(e.operation().identity())));
        return identities;
    }

    private static ClusterSettings settings(String instance) {
        return new ClusterSettings(true, instance, Duration.ofSeconds(1), new ClusterSettings.Kafka(
            "127.0.0.1:" + RosterProcess.freePort(), "claims", 4, null, null, null));
    }
}
