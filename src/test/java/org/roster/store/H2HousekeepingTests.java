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

            try (H2Housekeeping housekeeping = H2Housekeeping.startFor(ds, meters)) {
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

    @Test
    void leavesAloneWhatH2CompactsItselfOrKeepsInMemory() throws Exception {
        JdbcDataSource delayed = h2("jdbc:h2:file:" + dir.resolve("delayed") + ";WRITE_DELAY=500");
        JdbcDataSource memory = h2("jdbc:h2:mem:housekeeping;DB_CLOSE_DELAY=-1");
        try (Connection a = delayed.getConnection(); Connection b = memory.getConnection()) {
            assertThat(H2Housekeeping.startFor(delayed, meters)).isNull();
            assertThat(H2Housekeeping.startFor(memory, meters)).isNull();
            b.createStatement().execute("shutdown");
        }
    }

    private static MVStore store(Connection c) throws Exception {
        return ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore().getMvStore();
    }
}
