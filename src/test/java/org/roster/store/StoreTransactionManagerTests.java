package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.roster.support.Databases;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A transaction whose connection the server ends (as a failover or a lost network does) fails with
 * what ended it, which says the store cannot be reached, not with the rollback that cannot be done on
 * a connection the pool already closed. Real PostgreSQL, real Hikari pool.
 */
class StoreTransactionManagerTests {

    @Test
    void aTransactionWhoseConnectionWasLostFailsWithWhatLostItNotWithTheRollback() {
        String url = Databases.freshPostgresUrl();
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(url);
            pool.setUsername("postgres");
            pool.setMaximumPoolSize(2);
            JdbcClient jdbc = JdbcClient.create(pool);
            jdbc.sql("create table item (id int primary key)").update();

            // Spring's own manager: the rollback's failure replaces the cause, with no SQL state to tell
            assertThatThrownBy(() -> endSessionMidTransaction(new JdbcTransactionManager(pool), jdbc, url))
                .isInstanceOf(TransactionSystemException.class).hasMessageContaining("rollback")
                .satisfies(e -> assertThat(StoreUnreachable.in(e)).isNull());

            assertThatThrownBy(() -> endSessionMidTransaction(new StoreTransactionManager(pool), jdbc, url))
                .satisfies(e -> assertThat(StoreUnreachable.in(e)).as("says the store cannot be reached").isNotNull())
                .hasMessageContaining("terminat");
            assertThat(jdbc.sql("select count(*) from item").query(Long.class).single()).as("nothing committed").isZero();
            // and the pool carries on with a new connection
            new TransactionTemplate(new StoreTransactionManager(pool)).executeWithoutResult(s ->
                jdbc.sql("insert into item values (2)").update());
            assertThat(jdbc.sql("select count(*) from item").query(Long.class).single()).isEqualTo(1);
        }
    }

    /** In a transaction: a row written, then the server ends the session (as a failover would), then another statement. */
    private static void endSessionMidTransaction(PlatformTransactionManager manager, JdbcClient jdbc, String url) {
        new TransactionTemplate(manager).executeWithoutResult(s -> {
            jdbc.sql("insert into item values (1)").update();
            int pid = jdbc.sql("select pg_backend_pid()").query(Integer.class).single();
            Databases.queryOne(url, "select pg_terminate_backend(" + pid + ")");
            jdbc.sql("insert into item values (3)").update();
        });
    }
}
