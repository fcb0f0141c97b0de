package org.roster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.roster.support.Databases;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Leases are measured by the store's clock, not by each instance's: an instance whose clock runs ten
 * minutes ahead (its time sync failed) does not take the loops another instance holds, and the other
 * does not take its. Real PostgreSQL, two instances' leases side by side.
 */
class LeasesClockTests {

    @Test
    void anInstanceWhoseClockRunsAheadDoesNotTakeALeaseAnotherHolds() {
        DataSource store = Databases.fresh(Databases.Kind.POSTGRESQL);
        Leases onTime = leases(store, "on-time", Clock.systemUTC());
        Leases ahead = leases(store, "ahead", Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10)));
        try {
            onTime.register("roster-dispatch-directory", () -> { });
            ahead.register("roster-dispatch-directory", () -> { });
            onTime.register("roster-scheduler", () -> { });
            ahead.register("roster-scheduler", () -> { });

            assertThat(onTime.holds("roster-dispatch-directory")).isTrue();
            assertThat(ahead.holds("roster-dispatch-directory")).as("held by the other, for 30 s by the store's clock").isFalse();

            assertThat(ahead.holds("roster-scheduler")).isTrue();
            assertThat(onTime.holds("roster-scheduler")).as("a lease taken by the instance ahead lasts 30 s, not 10 min")
                .isFalse();
            String expires = JdbcClient.create(store).sql(
                    "select cast(extract(epoch from expires_at - current_timestamp) as int) from lease where name = ?")
                .param("roster-scheduler").query(String.class).single();
            assertThat(Integer.parseInt(expires)).isBetween(25, 30);
        } finally {
            onTime.close();
            ahead.close();
        }
    }

    private static Leases leases(DataSource store, String instance, Clock clock) {
        return new Leases(JdbcClient.create(store), new ClusterSettings(true, instance, Duration.ofSeconds(30), null), clock,
            new StaticListableBeanFactory().getBeanProvider(DataSource.class), StoreSharingTests.onH2());
    }
}
