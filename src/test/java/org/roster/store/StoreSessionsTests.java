package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.roster.support.Databases;

/** What Roster's own PostgreSQL sessions are set up with, read back from a real server. */
class StoreSessionsTests {

    @Test
    void postgresSessionsFlushEachCommitBatchTheirInsertsAndPlanEachExecutionWithItsValues() throws Exception {
        try (HikariDataSource hikari = new HikariDataSource()) {
            hikari.setJdbcUrl(Databases.freshPostgresUrl());
            hikari.setUsername("postgres");
            hikari.setMaximumPoolSize(1);
            new StoreDurability().postProcessBeforeInitialization(hikari, "dataSource");

            assertThat(setting(hikari, "plan_cache_mode")).isEqualTo("force_custom_plan");
            assertThat(setting(hikari, "synchronous_commit")).isEqualTo("on");
            assertThat(hikari.getDataSourceProperties().getProperty("reWriteBatchedInserts")).isEqualTo("true");
        }
    }

    @Test
    void optionsTheOperatorSetAreKeptAndTheirPlanCacheModeWins() throws Exception {
        try (HikariDataSource hikari = new HikariDataSource()) {
            hikari.setJdbcUrl(Databases.freshPostgresUrl());
            hikari.setUsername("postgres");
            hikari.setMaximumPoolSize(1);
            hikari.addDataSourceProperty("options", "-c statement_timeout=12345");
            new StoreDurability().postProcessBeforeInitialization(hikari, "dataSource");

            assertThat(setting(hikari, "statement_timeout")).isEqualTo("12345ms");
            assertThat(setting(hikari, "plan_cache_mode")).isEqualTo("force_custom_plan");
        }
        try (HikariDataSource hikari = new HikariDataSource()) {
            hikari.setJdbcUrl(Databases.freshPostgresUrl());
            hikari.setUsername("postgres");
            hikari.setMaximumPoolSize(1);
            hikari.addDataSourceProperty("options", "-c plan_cache_mode=auto");
            new StoreDurability().postProcessBeforeInitialization(hikari, "dataSource");

            assertThat(setting(hikari, "plan_cache_mode")).isEqualTo("auto");
        }
    }

    private static String setting(HikariDataSource ds, String name) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("show " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
