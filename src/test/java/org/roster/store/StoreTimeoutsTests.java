package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

/** How {@code roster.store.socket-timeout} reaches PostgreSQL's driver, and what is refused. */
class StoreTimeoutsTests {

    @Test
    void aPostgresqlPoolWaitsForAnAnswerAtMostTheConfiguredTimeInWholeSeconds() {
        assertThat(socketTimeout(StoreTimeouts.of(null), "jdbc:postgresql://db:5432/roster")).isEqualTo("60");
        assertThat(socketTimeout(StoreTimeouts.of("2500"), "jdbc:postgresql://db:5432/roster")).isEqualTo("3");
        assertThat(socketTimeout(StoreTimeouts.of("1"), "jdbc:postgresql://db:5432/roster")).isEqualTo("1");
        assertThat(socketTimeout(StoreTimeouts.of("0"), "jdbc:postgresql://db:5432/roster")).as("no bound").isEqualTo("0");
    }

    @Test
    void aTimeoutTheUrlSetsIsKeptAndH2IsNotConcerned() {
        assertThat(socketTimeout(StoreTimeouts.of("3000"), "jdbc:postgresql://db:5432/roster?socketTimeout=600")).isNull();
        assertThat(socketTimeout(StoreTimeouts.of("3000"), "jdbc:h2:file:./data/roster")).isNull();
        HikariDataSource own = new HikariDataSource();
        own.setJdbcUrl("jdbc:postgresql://db:5432/roster");
        own.addDataSourceProperty("socketTimeout", "900");
        StoreTimeouts.of("3000").postProcessBeforeInitialization(own, "dataSource");
        assertThat(own.getDataSourceProperties().getProperty("socketTimeout")).isEqualTo("900");
    }

    @Test
    void aValueThatIsNotAWholeNumberOfMillisecondsIsRefusedWithTheKeyNamed() {
        assertThatThrownBy(() -> StoreTimeouts.of("30s")).hasMessageContaining("roster.store.socket-timeout")
            .hasMessageContaining("'30s'");
        assertThatThrownBy(() -> StoreTimeouts.of("-1")).hasMessageContaining("roster.store.socket-timeout");
    }

    @Test
    void theServerEndsASessionLeftIdleInATransactionAfterTheSameTimeUnlessTheOperatorSaysOtherwise() throws Exception {
        try (HikariDataSource pool = StoreSessionsTests.roster("3000", null)) {
            assertThat(StoreSessionsTests.setting(pool, "idle_in_transaction_session_timeout")).isEqualTo("3s");
            try (java.sql.Connection c = pool.getConnection(); java.sql.Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("select 1");
                Thread.sleep(4_000); // a client that vanished mid-transaction, as the server sees it
                assertThatThrownBy(() -> s.execute("select 1")).as("the server ended the session").isNotNull();
            }
        }
        try (HikariDataSource pool = StoreSessionsTests.roster("3000", "-c idle_in_transaction_session_timeout=0")) {
            assertThat(StoreSessionsTests.setting(pool, "idle_in_transaction_session_timeout")).isEqualTo("0");
        }
    }

    @Test
    void migrationsWaitAsLongAsAStatementTakesAndTheConnectionIsBoundedAgainOnceBackInThePool() throws Exception {
        try (HikariDataSource pool = StoreSessionsTests.roster("2000", null)) {
            try (java.sql.Connection c = pool.getConnection()) {
                assertThat(c.getNetworkTimeout()).isEqualTo(2000);
            }
            // as Spring Boot hands the pool to Flyway, through Roster's customizer
            var flyway = new org.flywaydb.core.api.configuration.FluentConfiguration().dataSource(pool);
            new StoreConfiguration().unboundedMigrations().customize(flyway);
            try (java.sql.Connection c = flyway.getDataSource().getConnection();
                 java.sql.Statement s = c.createStatement()) {
                assertThat(c.getNetworkTimeout()).isZero();
                s.execute("select pg_sleep(2.5)"); // longer than the bound
            }
            try (java.sql.Connection c = pool.getConnection(); java.sql.Statement s = c.createStatement()) {
                assertThat(c.getNetworkTimeout()).as("the same connection, back in the pool").isEqualTo(2000);
                assertThatThrownBy(() -> s.execute("select pg_sleep(2.5)"))
                    .satisfies(e -> assertThat(StoreUnreachable.in(e)).as("left without answer: a lost connection").isNotNull());
            }
        }
    }

    private static String socketTimeout(StoreTimeouts timeouts, String url) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        timeouts.postProcessBeforeInitialization(pool, "dataSource");
        return pool.getDataSourceProperties().getProperty("socketTimeout");
    }
}
