package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.roster.support.Databases;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A store upgraded to the relay that records how far it got (V53) starts it at the first unfinished
 * operation not yet handed to Kafka: planned over Kafka and not relayed, or planned without Kafka;
 * after the last operation when every one was relayed or is finished; at the start of an empty outbox.
 */
class RelayStartUpgradeTests {

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void theRelayStartsAtTheFirstOperationNotYetHandedToKafka(Databases.Kind kind) {
        DataSource ds = beforeV53(kind);
        JdbcClient jdbc = JdbcClient.create(ds);
        insert(jdbc, "DONE", 1);     // finished after it was relayed
        insert(jdbc, "PENDING", 1);  // relayed, not yet sent
        insert(jdbc, "PENDING", 2);  // planned without Kafka
        insert(jdbc, "PENDING", 0);  // planned over Kafka, not yet relayed
        long[] ids = jdbc.sql("select id from outbox order by id").query(Long.class).list().stream()
            .mapToLong(Long::longValue).toArray();

        upgrade(ds);

        assertThat(jdbc.sql("select next_id from outbox_relay").query(Long.class).single()).isEqualTo(ids[2]);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aStoreWithNothingLeftToRelayStartsAfterItsLastOperation(Databases.Kind kind) {
        DataSource ds = beforeV53(kind);
        JdbcClient jdbc = JdbcClient.create(ds);
        insert(jdbc, "PENDING", 1);
        insert(jdbc, "DEAD", 0);
        long last = jdbc.sql("select max(id) from outbox").query(Long.class).single();

        upgrade(ds);

        assertThat(jdbc.sql("select next_id from outbox_relay").query(Long.class).single()).isEqualTo(last + 1);
        assertThat(JdbcClient.create(Databases.fresh(kind)).sql("select next_id from outbox_relay").query(Long.class)
            .single()).as("a new store").isEqualTo(1);
    }

    private static DataSource beforeV53(Databases.Kind kind) {
        DataSource ds = Databases.empty(kind);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("52").load().migrate();
        return ds;
    }

    private static void upgrade(DataSource ds) {
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    }

    private static void insert(JdbcClient jdbc, String status, int relayed) {
        jdbc.sql("""
                insert into outbox (target, identity_key, kind, attributes, reason, priority, status, attempts,
                    correlation_id, hr_received_at, planned_at, next_attempt_at, relayed)
                values ('dir', 'E1', 'CREATE', '{}', 'test', 0, ?, 0, 'evt', current_timestamp, current_timestamp,
                    current_timestamp, ?)""").params(status, relayed).update();
    }
}
