package org.roster.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.roster.support.Databases;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Leases are shared out when an instance joins: the one over its share gives a lease up, and the
 * newcomer, under its share, takes it. The instance that gave it up does not take it back at its
 * loop's next look (it did: the lease still named it, and a look from the holder counts as a renewal,
 * so the loops went back and forth for as long as it took the newcomer to look first). Real
 * PostgreSQL, two instances' leases side by side.
 */
class LeasesShareTests {

    private static final List<String> LOOPS = List.of("roster-dispatch-directory", "roster-scheduler");

    @Test
    void aLeaseGivenUpOverItsShareGoesToTheInstanceUnderItsShareNotBackToTheGiver() {
        DataSource store = Databases.fresh(Databases.Kind.POSTGRESQL);
        Leases first = leases(store, "first");
        Leases joining = null;
        try {
            LOOPS.forEach(name -> first.register(name, () -> { }));
            assertThat(LOOPS).allMatch(first::holds);

            joining = leases(store, "joining");
            Leases newcomer = joining;
            LOOPS.forEach(name -> newcomer.register(name, () -> { }));
            // once the newcomer's membership counts, the first instance's share is one loop: it gives one up
            // at that loop's next look
            String givenUp = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> LOOPS.stream().filter(name -> !first.holds(name)).findFirst(), Optional::isPresent).orElseThrow();

            assertThat(first.holds(givenUp)).as("not taken back by the instance that gave it up").isFalse();
            assertThat(newcomer.holds(givenUp)).as("taken at once by the instance under its share").isTrue();
            String kept = LOOPS.stream().filter(name -> !name.equals(givenUp)).findFirst().orElseThrow();
            assertThat(first.holds(kept)).isTrue();
            assertThat(newcomer.holds(kept)).as("held by the other").isFalse();
        } finally {
            first.close();
            if (joining != null) {
                joining.close();
            }
        }
    }

    private static Leases leases(DataSource store, String instance) {
        return new Leases(JdbcClient.create(store), new ClusterSettings(true, instance, Duration.ofSeconds(3), null),
            Clock.systemUTC(), new StaticListableBeanFactory().getBeanProvider(DataSource.class), StoreSharingTests.onH2());
    }
}
