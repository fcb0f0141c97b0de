package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An H2 file written commit by commit (Roster's {@code WRITE_DELAY=0}) is compacted by Roster, since H2
 * then does not; stores H2 looks after itself are left alone.
 */
class H2HousekeepingTests {

    @TempDir
    Path dir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private JdbcDataSource h2(String url) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser("sa");
        return ds;
    }

    @Test
    void compactsAFileWrittenCommitByCommitUntilMostOfItIsLive() throws Exception {
        JdbcDataSource ds = h2("jdbc:h2:file:" + dir.resolve("roster") + ";WRITE_DELAY=0");
        try (Connection keepOpen = ds.getConnection(); Statement s = keepOpen.createStatement()) {
            s.execute("create table t (id int primary key, v varchar(200))");
            s.execute("insert into t select x, repeat('x', 200) from system_range(1, 20000)");
            // small commits that each rewrite a page somewhere: most chunks end with a page or two live
            try (PreparedStatement u = keepOpen.prepareStatement("update t set v = ? where id = ?")) {
                for (int i = 0; i < 4000; i++) {
                    u.setString(1, "y" + i);
                    u.setInt(2, 1 + (i * 7919) % 20000);
                    u.executeUpdate();
                }
            }
            MVStore store = store(keepOpen);
            store.setRetentionTime(0); // chunks are otherwise kept 45 s after their last use
            int before = store.getFileStore().getChunksFillRate();
            assertThat(before).as("live share of the chunks before").isLessThan(H2Housekeeping.TARGET_FILL);

            try (H2Housekeeping housekeeping = H2Housekeeping.startFor(ds, meters, () -> false)) {
                assertThat(housekeeping).isNotNull();
                int passes = 0;
                while (housekeeping.pass() && passes < 1000) {
                    passes++;
                }
                assertThat(passes).as("passes that rewrote chunks").isPositive();
                assertThat(meters.timer("roster.store.compaction").count()).isGreaterThanOrEqualTo(passes);
            }
            assertThat(store.getFileStore().getChunksFillRate()).as("live share after")
                .isGreaterThanOrEqualTo(H2Housekeeping.TARGET_FILL).isGreaterThan(before);
            // nothing lost: every row reads back as last written
            try (var rs = s.executeQuery("select count(*), count(case when v like 'y%' then 1 end) from t")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(20000);
                assertThat(rs.getInt(2)).isEqualTo(4000);
            }
        }
        assertThat(Files.size(dir.resolve("roster.mv.db"))).isPositive();
    }

    /**
     * While bulk work runs (a snapshot import), a file that is more than a quarter live is left as it
     * is, though idle housekeeping would compact it; once the work ends, it is compacted as before. A
     * file that falls below a quarter live is compacted even then.
     */
    @Test
    void whileBulkWorkRunsHoldsOffUntilLessThanAQuarterIsLive() throws Exception {
        JdbcDataSource ds = h2("jdbc:h2:file:" + dir.resolve("bulk") + ";WRITE_DELAY=0");
        BulkWork bulk = new BulkWork();
        try (Connection keepOpen = ds.getConnection(); Statement s = keepOpen.createStatement();
             BulkWork.Running importing = bulk.begin()) {
            s.execute("create table t (id int primary key, v varchar(200))");
            s.execute("insert into t select x, repeat('x', 200) from system_range(1, 20000)");
            MVStore store = store(keepOpen);
            store.setRetentionTime(0);
            try (H2Housekeeping housekeeping = H2Housekeeping.startFor(ds, meters, bulk::busy);
                 PreparedStatement u = keepOpen.prepareStatement("update t set v = ? where id = ?")) {
                assertThat(housekeeping).isNotNull();
                int i = 0;
                // rewrite pages commit by commit until the file is less than half live, but more than a quarter
                while (store.getFileStore().getChunksFillRate() >= H2Housekeeping.TARGET_FILL && i < 20_000) {
                    u.setString(1, "y" + i);
                    u.setInt(2, 1 + (i * 7919) % 20000);
                    u.executeUpdate();
                    i++;
                }
                int fill = store.getFileStore().getChunksFillRate();
                assertThat(fill).isLessThan(H2Housekeeping.TARGET_FILL).isGreaterThanOrEqualTo(H2Housekeeping.BUSY_FILL);

                assertThat(housekeeping.pass()).as("a pass while an import runs").isFalse();
                assertThat(store.getFileStore().getChunksFillRate()).isEqualTo(fill);

                while (store.getFileStore().getChunksFillRate() >= H2Housekeeping.BUSY_FILL && i < 200_000) {
                    u.setString(1, "z" + i);
                    u.setInt(2, 1 + (i * 7919) % 20000);
                    u.executeUpdate();
                    i++;
                }
                // this pass, or the scheduled one if it came first
                boolean rewritten = housekeeping.pass();
                assertThat(rewritten || store.getFileStore().getChunksFillRate() >= H2Housekeeping.BUSY_FILL)
                    .as("below a quarter live, compacted even while an import runs").isTrue();

                importing.close();
                int passes = 0;
                while (housekeeping.pass() && passes < 1000) {
                    passes++;
                }
                assertThat(store.getFileStore().getChunksFillRate()).as("once it ended")
                    .isGreaterThanOrEqualTo(H2Housekeeping.TARGET_FILL);
            }
            assertThat(bulk.busy()).isFalse();
        }
    }

    @Test
    void leavesAloneWhatH2CompactsItselfOrKeepsInMemory() throws Exception {
        JdbcDataSource delayed = h2("jdbc:h2:file:" + dir.resolve("delayed") + ";WRITE_DELAY=500");
        JdbcDataSource memory = h2("jdbc:h2:mem:housekeeping;DB_CLOSE_DELAY=-1");
        try (Connection a = delayed.getConnection(); Connection b = memory.getConnection()) {
            assertThat(H2Housekeeping.startFor(delayed, meters, () -> false)).isNull();
            assertThat(H2Housekeeping.startFor(memory, meters, () -> false)).isNull();
            b.createStatement().execute("shutdown");
        }
    }

    private static MVStore store(Connection c) throws Exception {
        return ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore().getMvStore();
    }
}
