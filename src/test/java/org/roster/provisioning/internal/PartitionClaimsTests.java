package org.roster.provisioning.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.roster.runtime.ClusterSettings;
import org.roster.runtime.StoreSharing;
import org.roster.support.Databases;
import org.roster.support.MostlyWaits;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Who answers for a partition's revocations while no broker can be reached: the instance the
 * brokers gave it, whatever was claimed before; another once its holder stopped renewing its claim;
 * the same instance again when it starts under its name (both stores, time to live 1 s).
 */
@MostlyWaits
class PartitionClaimsTests {

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void claimsAreKeptByTheirHolderTakenOverWhenNotRenewedAndGivenBackToTheBrokersChoice(Databases.Kind kind) throws Exception {
        JdbcClient jdbc = JdbcClient.create(Databases.fresh(kind));
        PartitionClaims a = claims(jdbc, "a");
        PartitionClaims b = claims(jdbc, "b");
        a.hold("dir", Set.of(0, 1), 4);
        b.hold("dir", Set.of(2, 3), 4);
        b.hold("app", Set.of(0), 2);
        assertThat(a.mine("dir")).containsOnlyKeys(0, 1).containsValue(4);
        assertThat(b.mine("dir")).containsOnlyKeys(2, 3);
        assertThat(a.mine("app")).as("another target's claims").isEmpty();

        // b stops renewing (it died): after a time to live a takes its claims over
        Thread.sleep(1_300);
        assertThat(a.mine("dir")).containsOnlyKeys(0, 1, 2, 3);
        assertThat(b.mine("dir")).as("taken over: no longer b's, even if it looks again").isEmpty();

        // the brokers give b its partitions again: their word is final
        b.hold("dir", Set.of(2, 3), 4);
        assertThat(a.mine("dir")).containsOnlyKeys(0, 1);
        assertThat(b.mine("dir")).containsOnlyKeys(2, 3);

        // a, started again under its name, finds its claims its own at once
        assertThat(claims(jdbc, "a").mine("dir")).containsOnlyKeys(0, 1);

        // a rebalance gives a only 0: its claim on 1 goes, and is the brokers' to give for a time to live
        a.keepOnly("dir", Set.of(0));
        assertThat(a.mine("dir")).containsOnlyKeys(0);
        assertThat(b.mine("dir")).containsOnlyKeys(2, 3);
        Thread.sleep(1_300);
        a.hold("dir", Set.of(0), 4); // each renews what the brokers gave it, as its lane does once a second
        b.hold("dir", Set.of(2, 3), 4);
        assertThat(b.mine("dir")).as("taken over once without a holder for a time to live").containsOnlyKeys(1, 2, 3);

        b.keepOnly("dir", Set.of());
        assertThat(b.mine("dir")).isEmpty();
        assertThat(b.mine("app")).as("another target's claims are kept").containsOnlyKeys(0);
    }

    /**
     * An instance that was killed (its session gone from the store, and with it its instance lock)
     * loses its claims once it missed two renewals, not a whole time to live later; one whose session
     * is alive (slow, or cut off from the store) keeps them for the time to live. PostgreSQL: the
     * instance lock is an advisory lock there.
     */
    @Test
    void theClaimsOfAKilledInstanceAreTakenOverAfterTwoMissedRenewals() throws Exception {
        javax.sql.DataSource store = Databases.fresh(Databases.Kind.POSTGRESQL);
        JdbcClient jdbc = JdbcClient.create(store);
        ClusterSettings xs = settings("x", Duration.ofSeconds(12)); // renewed every 4 s
        ClusterSettings ys = settings("y", Duration.ofSeconds(12));
        StoreSharing xLock = lock(store, xs);
        StoreSharing yLock = lock(store, ys);
        PartitionClaims x = new PartitionClaims(jdbc, xs, xLock);
        PartitionClaims y = new PartitionClaims(jdbc, ys, yLock);
        x.hold("dir", Set.of(0, 1), 4);
        y.hold("dir", Set.of(2, 3), 4);
        long lastRenewed = System.nanoTime();

        Thread.sleep(8_500); // x renews nothing: two renewals missed
        assertThat(y.mine("dir")).as("x's session is alive: a slow instance keeps its claims").containsOnlyKeys(2, 3);
        xLock.close(); // x is killed: the server ends its session, and its instance lock with it
        assertThat(y.mine("dir")).as("taken over at once").containsOnlyKeys(0, 1, 2, 3);
        assertThat(System.nanoTime() - lastRenewed).as("before x's claims ran out")
            .isLessThan(Duration.ofSeconds(12).toNanos());
        yLock.close();
    }

    private static ClusterSettings settings(String instance, Duration ttl) {
        return new ClusterSettings(true, instance, ttl, new ClusterSettings.Kafka("127.0.0.1:9", "claims", 4, null, null, null));
    }

    private static StoreSharing lock(javax.sql.DataSource store, ClusterSettings cluster) {
        return new StoreSharing(new org.springframework.beans.factory.support.StaticListableBeanFactory(
            java.util.Map.of("store", store)).getBeanProvider(javax.sql.DataSource.class), cluster);
    }

    private static PartitionClaims claims(JdbcClient jdbc, String instance) {
        return new PartitionClaims(jdbc, new ClusterSettings(true, instance, Duration.ofSeconds(1),
            new ClusterSettings.Kafka("127.0.0.1:9", "claims", 4, null, null, null)));
    }
}
