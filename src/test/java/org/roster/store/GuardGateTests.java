package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.roster.plan.internal.HoldRepository;
import org.roster.support.Databases;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The safety guard's gate, on both stores: plans with disables from one source on one target pass
 * the guard one at a time (a second waits until the first commits, so it counts the first's
 * disables), while another source is not held up. Without it, leavers pushed at once could each see
 * the count below the limit and together go past it.
 */
class GuardGateTests {

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void planFromTheSameSourceWaitsForTheOneBeforeIt(Databases.Kind kind) throws Exception {
        DataSource ds = Databases.fresh(kind);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
        HoldRepository holds = new HoldRepository(JdbcClient.create(ds));
        CountDownLatch gated = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread first = new Thread(() -> tx.executeWithoutResult(s -> {
            holds.gate("feed", "directory"); // first use: the gate is made by this transaction
            gated.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        first.start();
        assertThat(gated.await(5, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> second = CompletableFuture.runAsync(
            () -> tx.executeWithoutResult(s -> holds.gate("feed", "directory")));
        tx.executeWithoutResult(s -> holds.gate("scim", "directory")); // another source goes through at once
        Thread.sleep(400);
        assertThat(second).as("the second plan from 'feed' waits for the first").isNotDone();
        release.countDown();
        first.join();
        second.get(5, TimeUnit.SECONDS);
    }
}
