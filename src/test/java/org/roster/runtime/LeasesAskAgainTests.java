package org.roster.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.roster.support.Databases;
import org.roster.support.MostlyWaits;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A loop whose lease another instance holds is woken for every piece of work planned on its own
 * instance (the holder is told of it too). It asks the store for the lease once in a retry interval,
 * not at every wake-up: in a two-instance import that was some 350 lease statements a second. A lease
 * let go is still taken at once: its release is announced as such. Real PostgreSQL and its
 * notifications; renewals every 5 s, so a retry interval of 5 s.
 */
@MostlyWaits
class LeasesAskAgainTests {

    private static final Duration TTL = Duration.ofSeconds(30);

    @Test
    void aLeaseHeldElsewhereIsAskedForOnceAnIntervalAndALeaseLetGoTakenAtOnce() throws Exception {
        DataSource store = Databases.fresh(Databases.Kind.POSTGRESQL);
        JdbcClient jdbc = JdbcClient.create(store);
        Leases a = leases(store, "a");
        Leases b = leases(store, "b");
        try {
            a.register("roster-scheduler", () -> { });
            a.register("roster-relay", () -> { });
            assertThat(a.holds("roster-scheduler")).isTrue();
            assertThat(a.holds("roster-relay")).isTrue();
            b.register("roster-scheduler", () -> { });
            b.register("roster-relay", () -> { });
            long refused = System.nanoTime();
            assertThat(b.holds("roster-scheduler")).as("a holds it").isFalse();
            assertThat(b.holds("roster-relay")).as("a holds it").isFalse();

            // a lets one go: announced, so b takes it at once, well within its retry interval
            a.release("roster-relay");
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).until(() -> b.holds("roster-relay"));
            assertThat(System.nanoTime() - refused).as("taken before the retry interval was over")
                .isLessThan(Duration.ofMillis(b.retryMillis()).toNanos());

            // a stops, leaving its other lease to run out, unannounced: b learns of it at its next ask
            a.close();
            jdbc.sql("""
                    update lease set holder = 'gone', expires_at = current_timestamp - interval '1 minute'
                    where name = 'roster-scheduler'""").update();
            assertThat(b.holds("roster-scheduler")).as("asked a moment ago: not asked again at a wake-up").isFalse();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> b.holds("roster-scheduler"));
            assertThat(System.nanoTime() - refused).as("taken at the next ask, a retry interval after the last")
                .isGreaterThanOrEqualTo(Duration.ofMillis(b.retryMillis()).toNanos());
        } finally {
            a.close();
            b.close();
        }
    }

    /**
     * A loop woken for work just before its next ask was due asks when it is due, not a whole retry
     * interval after the wake-up: a lease whose holder was killed (run out, unannounced) is taken
     * within one interval of the last ask. The loop waited a whole interval from each wake-up before,
     * up to two intervals after the last ask (about 9.5 s here instead of 5).
     */
    @Test
    void aLoopWokenJustBeforeItsAskIsDueAsksWhenDue() throws Exception {
        DataSource store = Databases.fresh(Databases.Kind.POSTGRESQL);
        JdbcClient jdbc = JdbcClient.create(store);
        Leases a = leases(store, "a");
        Leases b = leases(store, "b");
        java.util.concurrent.atomic.AtomicLong firstPass = new java.util.concurrent.atomic.AtomicLong();
        WorkerLoop loop = new WorkerLoop("roster-expiry") {
            @Override
            protected long pass() {
                firstPass.compareAndSet(0, System.nanoTime());
                return 60_000;
            }
        };
        loop.setLeases(b);
        try {
            a.register("roster-expiry", () -> { });
            assertThat(a.holds("roster-expiry")).isTrue();
            long started = System.nanoTime();
            loop.start(); // asks at once and is refused: a holds the lease
            await().atMost(Duration.ofSeconds(3)).until(() -> b.askAgainIn("roster-expiry") < b.retryMillis());
            long refused = System.nanoTime();

            // a is killed: its lease runs out, and nobody announces it
            a.close();
            jdbc.sql("""
                    update lease set holder = 'gone', expires_at = current_timestamp - interval '1 minute'
                    where name = 'roster-expiry'""").update();
            Thread.sleep(Math.max(0, b.retryMillis() - 700 - Duration.ofNanos(System.nanoTime() - refused).toMillis()));
            loop.wake(); // work for the loop, 0.7 s before its next ask is due: too soon to ask
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() -> firstPass.get() != 0);
            assertThat(Duration.ofNanos(firstPass.get() - started))
                .as("taken at the ask due a retry interval after the first, not an interval after the wake-up")
                .isLessThan(Duration.ofMillis(b.retryMillis() + 1_500))
                .isGreaterThanOrEqualTo(Duration.ofMillis(b.retryMillis() - 100));
        } finally {
            loop.stop();
            a.close();
            b.close();
        }
    }

    /** Leases of an instance in cluster mode on PostgreSQL, with a 30 s time to live (renewals every 5 s). */
    static Leases leases(DataSource store, String instance) {
        ClusterSettings cluster = new ClusterSettings(true, instance, TTL, null);
        org.springframework.beans.factory.ObjectProvider<DataSource> provider =
            new StaticListableBeanFactory(Map.of("store", store)).getBeanProvider(DataSource.class);
        return new Leases(JdbcClient.create(store), cluster, Clock.systemUTC(), provider, new StoreSharing(provider, cluster));
    }
}
