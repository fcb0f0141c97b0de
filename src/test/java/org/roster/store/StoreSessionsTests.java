package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.roster.support.Databases;

/** What Roster's own PostgreSQL sessions are set up with, read back from a real server. */
class StoreSessionsTests {

    @Test
    void postgresSessionsFlushEachCommitBatchTheirInsertsAndPlanEachExecutionWithItsValues() throws Exception {
        try (HikariDataSource hikari = roster(null)) {
            assertThat(setting(hikari, "plan_cache_mode")).isEqualTo("force_custom_plan");
            assertThat(setting(hikari, "synchronous_commit")).isEqualTo("on");
            assertThat(hikari.getDataSourceProperties().getProperty("reWriteBatchedInserts")).isEqualTo("true");
        }
    }

    @Test
    void optionsTheOperatorSetAreKeptAndTheirPlanCacheModeWins() throws Exception {
        try (HikariDataSource hikari = roster("-c statement_timeout=12345")) {
            assertThat(setting(hikari, "statement_timeout")).isEqualTo("12345ms");
            assertThat(setting(hikari, "plan_cache_mode")).isEqualTo("force_custom_plan");
        }
        try (HikariDataSource hikari = roster("-c plan_cache_mode=auto")) {
            assertThat(setting(hikari, "plan_cache_mode")).isEqualTo("auto");
        }
    }

    /** A pool on a new PostgreSQL database as Roster sets it up, with the operator's {@code options} if any. */
    private static HikariDataSource roster(@Nullable String options) {
        return roster(null, options);
    }

    /**
     * The same, with {@code roster.store.socket-timeout} set to {@code socketTimeout} (its default
     * when null).
     */
    static HikariDataSource roster(@Nullable String socketTimeout, @Nullable String options) {
        HikariDataSource hikari = new HikariDataSource();
        hikari.setJdbcUrl(Databases.freshPostgresUrl());
        hikari.setUsername("postgres");
        hikari.setMaximumPoolSize(1);
        if (options != null) {
            hikari.addDataSourceProperty("options", options);
        }
        StoreTimeouts.of(socketTimeout).postProcessBeforeInitialization(hikari, "dataSource");
        new StoreDurability().postProcessBeforeInitialization(hikari, "dataSource");
        return hikari;
    }

    /** A setting of the pool's sessions, as {@code show} reads it. */
    static String setting(HikariDataSource ds, String name) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("show " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
