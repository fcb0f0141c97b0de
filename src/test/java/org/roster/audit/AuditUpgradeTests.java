package org.roster.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A store upgraded with audit records from before the hash chain: its head is those records, with
 * nothing chained yet, and no checkpoint may claim to vouch for them (one did, and every later
 * verification then failed with "the record is gone").
 */
class AuditUpgradeTests {

    @Test
    void noCheckpointIsSignedBeforeARecordIsChained() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:upgrade-" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("12").load().migrate();
        JdbcClient jdbc = JdbcClient.create(ds);
        for (int i = 0; i < 3; i++) {
            jdbc.sql("insert into audit_record (recorded_at, kind, stage, actor, detail) values (current_timestamp,"
                + " 'HR_EVENT', 'INGEST', 'scim', 'before the chain')").update();
        }
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        assertThat(jdbc.sql("select last_seq from audit_chain").query(Long.class).single()).isEqualTo(3);

        Checkpoints checkpoints = new Checkpoints(jdbc, Clock.systemUTC(), new AuditSettings(null, null, null, null),
            new org.roster.audit.internal.AuditRepository(jdbc, new org.springframework.jdbc.core.JdbcTemplate(ds)));
        assertThat(checkpoints.checkpoint()).isEmpty();
        assertThat(checkpoints.list()).isEmpty();
        assertThat(checkpoints.verify().brokenAt()).isNull();
    }
}
