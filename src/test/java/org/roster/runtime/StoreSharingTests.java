package org.roster.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.roster.support.Databases;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two Roster instances over one PostgreSQL database must both be in cluster mode: an instance alone
 * runs every loop itself, so a second one would send every operation twice. A real PostgreSQL 17.
 */
class StoreSharingTests {

    /** What an instance on H2 (or with no store given) has: no lock to take. */
    static StoreSharing onH2() {
        return new StoreSharing(new StaticListableBeanFactory().getBeanProvider(DataSource.class), alone());
    }

    @Test
    void aSecondInstanceWithoutClusterModeOrBesideOneIsRefusedNamingTheHolder() {
        DataSource store = Databases.fresh(Databases.Kind.POSTGRESQL);
        StoreSharing first = sharing(store, alone());
        assertThat(first.held()).isTrue();
        assertThatThrownBy(() -> sharing(store, alone())).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("another Roster instance uses this database (client ")
            .hasMessageContaining(", alone)").hasMessageContaining("roster.cluster.enabled: true");
        assertThatThrownBy(() -> sharing(store, cluster("b"))).as("a cluster member beside an instance alone")
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("a Roster instance without cluster mode uses this database");

        first.close();
        StoreSharing again = sharing(store, alone());
        assertThat(again.held()).as("a stopped instance's lock is free").isTrue();
        again.close();

        StoreSharing a = sharing(store, cluster("a"));
        StoreSharing b = sharing(store, cluster("b"));
        assertThat(a.held() && b.held()).as("cluster members share it").isTrue();
        assertThatThrownBy(() -> sharing(store, alone())).as("an instance alone beside a cluster, naming its members")
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("in cluster mode")
            .hasMessageContaining("(Roster a) connected since").hasMessageContaining("(Roster b) connected since");
        a.close();
        b.close();
    }

    @Test
    void theLockSessionIsNamedAfterTheInstanceAsPostgreSqlKeepsNames() {
        assertThat(StoreSharing.sessionName("eu-west-1a")).isEqualTo("Roster eu-west-1a");
        assertThat(StoreSharing.sessionName("zürich\n1")).as("printable ASCII only").isEqualTo("Roster z?rich?1");
        assertThat(StoreSharing.sessionName("x".repeat(200))).as("63 bytes at most").hasSize(63).startsWith("Roster xxx");
    }

    @Test
    void theLockIsTakenAgainOnANewConnectionWhenItsSessionEnds() {
        DataSource store = Databases.fresh(Databases.Kind.POSTGRESQL);
        StoreSharing alone = sharing(store, alone());
        JdbcClient admin = JdbcClient.create(store);
        String pid = holder(admin);
        // the server ends the lock's session, as a restart or a failover does
        admin.sql("select pg_terminate_backend(" + pid + ")").query((rs, n) -> 1).list();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
            .until(() -> !holder(admin).isEmpty() && !holder(admin).equals(pid));
        assertThatThrownBy(() -> sharing(store, alone())).as("held again").isInstanceOf(IllegalStateException.class);
        alone.close();
    }

    private static String holder(JdbcClient admin) {
        return admin.sql("""
                select coalesce(string_agg(pid::text, ','), '') from pg_locks where locktype = 'advisory' and classid = ? and objid = ?
                  and objsubid = 2 and granted""")
            .params(Integer.toUnsignedLong(StoreSharing.KEY_CLASS), (long) StoreSharing.KEY_OBJECT)
            .query(String.class).optional().orElse("");
    }

    private static StoreSharing sharing(DataSource store, ClusterSettings cluster) {
        return new StoreSharing(new StaticListableBeanFactory(Map.of("store", store)).getBeanProvider(DataSource.class), cluster);
    }

    private static ClusterSettings alone() {
        return new ClusterSettings(false, null, null, null);
    }

    private static ClusterSettings cluster(String instance) {
        return new ClusterSettings(true, instance, Duration.ofSeconds(3), null);
    }
}
