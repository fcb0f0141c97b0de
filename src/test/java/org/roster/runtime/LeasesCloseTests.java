package org.roster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A clean stop in cluster mode does not wait on a store that is gone. */
class LeasesCloseTests {

    @Test
    void aStopDoesNotWaitForAConnectionToAStoreThatIsGone() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        // As a pool whose database stopped first: asked for a connection, it waits its whole timeout.
        DataSource gone = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
                if (method.getName().equals("getConnection")) {
                    asked.countDown();
                    never.await(60, TimeUnit.SECONDS);
                    throw new java.sql.SQLTransientConnectionException("pool timed out");
                }
                throw new UnsupportedOperationException(method.getName());
            });
        Leases leases = new Leases(JdbcClient.create(gone), new ClusterSettings(true, "stopping", Duration.ofMinutes(1), null),
            Clock.systemUTC(), new StaticListableBeanFactory().getBeanProvider(DataSource.class), StoreSharingTests.onH2());

        long start = System.nanoTime();
        leases.close();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(asked.await(1, TimeUnit.SECONDS)).as("the stop tried to let the membership lease go").isTrue();
        assertThat(tookMillis).as("the stop waited at most its bound, not the pool's timeout")
            .isBetween(Leases.RELEASE_WAIT_MILLIS - 100, Leases.RELEASE_WAIT_MILLIS + 5_000);
        never.countDown();
    }
}
