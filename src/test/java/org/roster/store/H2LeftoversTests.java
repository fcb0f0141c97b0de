package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the store is read through for rows left over by a killed process ({@link H2Leftovers}): the
 * file an H2 URL names, H2's clean-close mark, and the marker of a store already read through. That
 * the reading clears such rows is shown by {@link H2TornCommitTests}, which kills a process to make them.
 */
class H2LeftoversTests {

    @TempDir
    Path dir;

    @Test
    void theStoreFileOfAnH2Url() {
        assertThat(H2Leftovers.storeFile("jdbc:h2:file:./data/roster;MODE=PostgreSQL;WRITE_DELAY=0"))
            .isEqualTo(Path.of("./data/roster.mv.db"));
        assertThat(H2Leftovers.storeFile("jdbc:h2:/var/lib/roster/store")).isEqualTo(Path.of("/var/lib/roster/store.mv.db"));
        assertThat(H2Leftovers.storeFile("jdbc:h2:~/roster")).isEqualTo(Path.of(System.getProperty("user.home") + "/roster.mv.db"));
        assertThat(H2Leftovers.storeFile("jdbc:h2:split:20:./data/roster")).as("another file system: always read through").isNull();
    }

    @Test
    void aStoreIsReadThroughAfterAKillOrOnceIfNeverBefore() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("roster") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        DataSource h2 = H2AtomicCommits.dataSource(url, "sa", "");
        Path marker = dir.resolve("roster.leftovers-cleared");

        assertThat(H2Leftovers.clearIfKilled(url, h2, false)).as("a store a tool does not create").isEqualTo(-1);
        assertThat(dir.resolve("roster.leftovers-cleared")).doesNotExist();
        assertThat(H2Leftovers.clearIfKilled(url, h2, true)).as("a new store").isEqualTo(-1);
        assertThat(marker).as("nothing can be left over in a new store").exists();
        try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table t (id int primary key, v varchar(10))");
            s.execute("insert into t values (1, 'a'), (2, 'b')");
        } // the last connection closed: H2 closes the file cleanly
        assertThat(H2Leftovers.closedCleanly(dir.resolve("roster.mv.db"))).isTrue();
        assertThat(H2Leftovers.clearIfKilled(url, h2, true)).as("closed cleanly, already read through").isEqualTo(-1);

        Files.delete(marker); // as a store an older Roster used
        assertThat(H2Leftovers.clearIfKilled(url, h2, true)).as("nothing left over in it").isZero();
        assertThat(marker).exists();
        try (Connection c = h2.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("select count(*) from t")) {
            rs.next();
            assertThat(rs.getInt(1)).as("committed rows are kept").isEqualTo(2);
        }

        Path killed = dir.resolve("killed.mv.db"); // the header H2 leaves when it was not closed
        Files.writeString(killed, "H:2,block:2,blockSize:1000,chunk:4,created:1a23d66b70a,format:3,version:4,fletcher:0\n");
        assertThat(H2Leftovers.closedCleanly(killed)).isFalse();
    }
}
