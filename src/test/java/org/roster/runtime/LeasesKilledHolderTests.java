package org.roster.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.roster.support.Databases;
import org.roster.support.MostlyWaits;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A loop's lease held by an instance that was killed (the store has no session of it holding the
 * instance lock) is taken over once it missed two renewals, not a whole time to live later, though
 * the survivor already holds its share: the killed instance stops counting as a member. One held by
 * an instance whose session lives on (slow, or cut off from the store) is not. Real PostgreSQL, whose
 * advisory locks the instance lock is; the default time to live, renewals every 5 s.
 */
@MostlyWaits
class LeasesKilledHolderTests {

    private static final Duration TTL = Duration.ofSeconds(30);
    private static final List<String> LOOPS = List.of("roster-dispatch-directory", "roster-scheduler");

    @Test
    void theLeaseOfAKilledHolderIsTakenAfterTwoMissedRenewals() throws Exception {
        DataSource store = Databases.fresh(Databases.Kind.POSTGRESQL);
        JdbcClient jdbc = JdbcClient.create(store);
        Leases a = leases(store, "a");
        // a's name also on a session of its own: closing a's leases below stops its renewals, this keeps it alive
        StoreSharing aStillThere = new StoreSharing(provider(store), settings("a"));
        Leases b = leases(store, "b");
        try {
            LOOPS.forEach(loop -> a.register(loop, () -> { }));
            assertThat(LOOPS).allMatch(a::holds);
            LOOPS.forEach(loop -> b.register(loop, () -> { }));
            // shared out: a gives one up, b takes it; each then holds its share
            String bs = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> LOOPS.stream().filter(loop -> !a.holds(loop) && b.holds(loop)).findFirst(), Optional::isPresent)
                .orElseThrow();
            String as = LOOPS.stream().filter(loop -> !loop.equals(bs)).findFirst().orElseThrow();
            assertThat(a.holds(as)).isTrue();

            // a is killed: its renewals stop, its leases and membership stay as last renewed
            a.close();
            jdbc.sql("update lease set expires_at = current_timestamp + interval '30 seconds' where name = 'member:a'").update();
            long lastRenewed = System.nanoTime();
            Thread.sleep(10_500); // two renewals missed
            assertThat(b.holds(as)).as("a's session is alive: a slow instance keeps its lease").isFalse();

            aStillThere.close(); // the store has no session of a any more
            await().atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofMillis(200)).until(() -> b.holds(as));
            assertThat(System.nanoTime() - lastRenewed).as("before a's lease ran out").isLessThan(TTL.toNanos());
            assertThat(b.holds(bs)).as("and its own").isTrue();
            assertThat(jdbc.sql("select fence from lease where name = ?").param(as).query(Long.class).single())
                .as("each change of holder counts up the fence").isEqualTo(2);
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
