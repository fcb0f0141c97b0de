package org.roster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.roster.support.Databases;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A loop's lease held by an instance that was killed (the store has no session of it holding the
 * instance lock) is taken over once it missed two renewals, not a whole time to live later; one held
 * by an instance whose session lives on (slow, or cut off from the store) is not. Real PostgreSQL,
 * whose advisory locks the instance lock is.
 */
class LeasesKilledHolderTests {

    private static final Duration TTL = Duration.ofSeconds(12); // renewed every 4 s

    @Test
    void theLeaseOfAKilledHolderIsTakenAfterTwoMissedRenewals() throws Exception {
        DataSource store = Databases.fresh(Databases.Kind.POSTGRESQL);
        Leases a = leases(store, "a");
        // a's name also on a session of its own: closing a's leases below stops its renewals, this keeps it alive
        StoreSharing aStillThere = new StoreSharing(provider(store), settings("a"));
        Leases b = leases(store, "b");
        try {
            a.register("roster-scheduler", () -> { });
            b.register("roster-scheduler", () -> { });
            assertThat(a.holds("roster-scheduler")).isTrue();
            assertThat(b.holds("roster-scheduler")).isFalse();
            a.close(); // its renewals stop, the loop's lease not let go (as a kill leaves it)
            long lastRenewed = System.nanoTime();

            Thread.sleep(8_500); // two renewals missed
            assertThat(b.holds("roster-scheduler")).as("a's session is alive: a slow instance keeps it").isFalse();
            aStillThere.close(); // a is killed: the store has no session of it any more
            assertThat(b.holds("roster-scheduler")).as("taken over").isTrue();
            assertThat(System.nanoTime() - lastRenewed).as("before a's lease ran out").isLessThan(TTL.toNanos());
            long fence = JdbcClient.create(store).sql("select fence from lease where name = 'roster-scheduler'")
                .query(Long.class).single();
            assertThat(fence).as("a change of holder counts up the fence").isEqualTo(2);
        } finally {
            b.close();
        }
    }

    private static Leases leases(DataSource store, String instance) {
        ClusterSettings cluster = settings(instance);
        return new Leases(JdbcClient.create(store), cluster, Clock.systemUTC(), provider(store),
            new StoreSharing(provider(store), cluster));
    }

    private static ClusterSettings settings(String instance) {
        return new ClusterSettings(true, instance, TTL, null);
    }

    private static org.springframework.beans.factory.ObjectProvider<DataSource> provider(DataSource store) {
        return new StaticListableBeanFactory(Map.of("store", store)).getBeanProvider(DataSource.class);
    }
}
