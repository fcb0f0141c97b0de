package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.roster.hr.Worker;
import org.roster.hr.internal.WorkerRepository;
import org.roster.support.TestWorkers;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Workers stored before sign-in and the console existed get their e-mail key (V25) and their search
 * entry (V28) when the store is upgraded, so people sign in and are found without a re-import.
 */
class WorkerKeysUpgradeTests {

    @Test
    void anUpgradeFillsTheKeysOfWorkersAlreadyStored() {
        org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
        ds.setURL("jdbc:h2:mem:worker-keys-" + java.util.UUID.randomUUID()
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("23").load().migrate();
        Worker w = TestWorkers.worker().employeeNumber("E7").userName("grace").email("Grace.Hopper@Example.com")
            .givenName("Grace").department("Research").build();
        Timestamp now = Timestamp.from(Instant.now());
        JdbcClient jdbc = JdbcClient.create(ds);
        jdbc.sql("insert into hr_worker (employee_number, scim_id, user_name, user_name_key, record, version, created_at,"
                + " updated_at) values (?, ?, ?, ?, ?, 1, ?, ?)")
            .params("E7", "s7", "grace", "grace", JsonColumns.write(w), now, now).update();

        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();

        assertThat(jdbc.sql("select email_key from hr_worker where employee_number = 'E7'").query(String.class).single())
            .isEqualTo("grace.hopper@example.com");
        assertThat(jdbc.sql("select search_key from hr_worker_search where employee_number = 'E7'").query(String.class)
            .single()).isEqualTo(WorkerRepository.searchKey(w)).contains("research").contains("grace");
    }
}
