package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An H2 file store that H2 closed because a write to its file failed (a full disk: {@code
 * DiskFullTests} fills a real one), in a pool set up as Roster sets it up. H2 still says its
 * connections are valid, and they can only fail; without more, the pool handed them out for good and
 * Roster answered 503 until restarted. Here the pool is told they are not valid and drops each one
 * that fails, and the next connection opens the store again, with what committed kept and what did not
 * gone.
 */
class H2ClosedStoreTests {

    @TempDir
    Path dir;

    @Test
    void aStoreH2ClosedAfterAFailedWriteIsOpenedAgainByTheNextConnectionWithWhatCommittedKept() throws Exception {
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl("jdbc:h2:file:" + dir.resolve("store") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
            pool.setUsername("sa");
            pool.setPassword("");
            pool.setMaximumPoolSize(3);
            new StoreDurability().postProcessBeforeInitialization(pool, "dataSource");
            MVStore closed;
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("create table t (id int primary key)");
                s.execute("insert into t values (1)");
                closed = ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore().getMvStore();
            }
            try (Connection pending = pool.getConnection(); Connection idle = pool.getConnection()) {
                pending.setAutoCommit(false);
                pending.createStatement().executeUpdate("insert into t values (2)");

                // what H2 does when writing a version fails: the store is closed under every session
                var failedWrite = DataUtils.newMVStoreException(DataUtils.ERROR_WRITING_FAILED, "Writing to {0} failed",
                    "the store's file", new IOException("No space left on device"));
                assertThatThrownBy(() -> closed.panic(failedWrite)).isSameAs(failedWrite);

                assertThat(idle.isValid(1)).as("a connection to the closed store").isFalse();
                assertThatThrownBy(() -> pending.commit())
                    .satisfies(e -> assertThat(StoreUnreachable.in(e)).as("an outage: 503, retried").isNotNull());
            }
            // the pool dropped every connection when the first failed, and a new one opens the store again
            try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select id from t order by id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("committed before the store was closed").isEqualTo(1);
                assertThat(rs.next()).as("the insert that never committed").isFalse();
                s.execute("insert into t values (3)");
                MVStore reopened = ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore()
                    .getMvStore();
                assertThat(reopened).isNotSameAs(closed);
                assertThat(reopened.isClosed()).isFalse();
            }
        }
    }

    @Test
    void thePoolIsToldToDropAConnectionOnlyWhenItsStoreIsClosed() {
        SQLExceptionOverride override = H2AtomicCommits.closedStore(new HikariDataSource());
        SQLException closed = new SQLException("The database has been closed", "90098", 90098);
        SQLException duplicate = new SQLException("Unique index or primary key violation", "23505", 23505);
        SQLException inTransaction = new SQLException("General error", "HY000", 50000, DataUtils.newMVStoreException(
            DataUtils.ERROR_WRITING_FAILED, "Writing to {0} failed", "the store's file", new IOException("No space left")));
        SQLException lockTimeout = new SQLException("Timeout trying to lock table", "HYT00", 50200,
            DataUtils.newMVStoreException(DataUtils.ERROR_TRANSACTION_LOCKED, "Map {0} is locked", "t"));

        assertThat(override.adjudicate(closed)).isEqualTo(SQLExceptionOverride.Override.MUST_EVICT);
        assertThat(override.adjudicate(inTransaction)).isEqualTo(SQLExceptionOverride.Override.MUST_EVICT);
        assertThat(override.adjudicate(duplicate)).isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
        assertThat(override.adjudicate(lockTimeout)).isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
    }
}
