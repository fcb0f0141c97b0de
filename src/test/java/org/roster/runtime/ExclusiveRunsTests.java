package org.roster.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.roster.support.Databases;
import org.roster.support.MostlyWaits;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Work run once at a time across instances over one store (both stores): a second run of a name is
 * refused naming the first; the run of an instance that stopped is taken over (at once by a single
 * instance or one started again under its name, after a time to live by another), and can commit no
 * further step.
 */
@MostlyWaits
class ExclusiveRunsTests {

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void oneRunOfANameAtATime(Databases.Kind kind) {
        DataSource store = Databases.fresh(kind);
        ExclusiveRuns single = runs(store, null);
        ExclusiveRuns.Held first = single.begin("snapshot:sap", "s1", "steward");
        assertThat(first.replaced()).isEmpty();
        assertThatThrownBy(() -> single.begin("snapshot:sap", "s2", "other"))
            .isInstanceOfSatisfying(ExclusiveRuns.Busy.class, e -> {
                assertThat(e.holder().runId()).isEqualTo("s1");
                assertThat(e.holder().actor()).isEqualTo("steward");
                assertThat(e.freeIfStopped()).as("running here").isNull();
            });
        ExclusiveRuns.Held other = single.begin("snapshot:workday", "w1", "steward");
        assertThat(single.alive("snapshot:")).containsExactlyInAnyOrder("s1", "w1");
        assertThat(single.alive("reconcile:")).isEmpty();

        first.close();
        assertThat(single.holder("snapshot:sap")).isEmpty();
        ExclusiveRuns.Held again = single.begin("snapshot:sap", "s3", "steward");
        assertThat(single.holder("snapshot:sap")).get().extracting(ExclusiveRuns.Holder::runId).isEqualTo("s3");
        first.close(); // closing twice frees nothing of the run after it
        assertThat(single.holder("snapshot:sap")).get().extracting(ExclusiveRuns.Holder::runId).isEqualTo("s3");
        other.close();
        again.check(); // a single instance's run is never taken from it
        again.close();
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void theRunOfAStoppedSingleInstanceIsTakenOverAtOnce(Databases.Kind kind) {
        DataSource store = Databases.fresh(kind);
        runs(store, null).begin("snapshot:sap", "s1", "steward"); // killed: never closed
        ExclusiveRuns restarted = runs(store, null);
        assertThat(restarted.alive("snapshot:")).as("nobody runs it any more").isEmpty();
        ExclusiveRuns.Held taken = restarted.begin("snapshot:sap", "s2", "steward");
        assertThat(taken.replaced()).get().extracting(ExclusiveRuns.Holder::runId).isEqualTo("s1");
        assertThat(restarted.holder("snapshot:sap")).get().extracting(ExclusiveRuns.Holder::runId).isEqualTo("s2");
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void inClusterModeAnotherInstanceWaitsATimeToLiveAfterTheHolderStopsRenewing(Databases.Kind kind) throws Exception {
        DataSource store = Databases.fresh(kind);
        ExclusiveRuns a = runs(store, "a");
        ExclusiveRuns b = runs(store, "b");
        ExclusiveRuns.Held importing = a.begin("snapshot:sap", "s1", "steward");
        ExclusiveRuns.Held reconciling = a.begin("reconcile:dir", "r1", "operator");
        assertThatThrownBy(() -> b.begin("snapshot:sap", "s2", "other"))
            .isInstanceOfSatisfying(ExclusiveRuns.Busy.class, e -> {
                assertThat(e.holder().runId()).isEqualTo("s1");
                assertThat(e.holder().instance()).isEqualTo("a");
                assertThat(e.freeIfStopped()).as("a time to live after a was last seen")
                    .isEqualTo(e.holder().aliveAt().plus(Duration.ofSeconds(1)));
                assertThat(e.describe()).contains("on a, last seen").contains("should a have stopped");
            });
        assertThat(b.alive("reconcile:")).as("a's, renewed").containsExactly("r1");
        assertThat(b.running("reconcile:")).as("by name, as the console shows a target busy")
            .containsExactlyEntriesOf(java.util.Map.of("reconcile:dir", "r1"));
        Thread.sleep(1_500); // longer than the time to live: a renews every third of it
        assertThatThrownBy(() -> b.begin("snapshot:sap", "s2", "other")).as("renewed: still a's")
            .isInstanceOf(ExclusiveRuns.Busy.class);
        assertThat(b.alive("reconcile:")).containsExactly("r1");
        importing.check();

        a.close(); // a stops renewing, as an instance that was killed
        Thread.sleep(1_500);
        assertThat(b.alive("reconcile:")).as("a's run is over once not renewed").isEmpty();
        ExclusiveRuns.Held taken = b.begin("snapshot:sap", "s2", "other");
        assertThat(taken.replaced()).get().satisfies(h -> {
            assertThat(h.runId()).isEqualTo("s1");
            assertThat(h.instance()).isEqualTo("a");
        });
        assertThatThrownBy(importing::check).as("a's run, were it still running, commits no further step")
            .isInstanceOf(ExclusiveRuns.Lost.class).hasMessageContaining("run s2");
        taken.check();

        // a started again under its name takes its own run over at once
        ExclusiveRuns restarted = runs(store, "a");
        assertThat(restarted.begin("reconcile:dir", "r2", "operator").replaced()).isPresent();
        assertThatThrownBy(reconciling::check).isInstanceOf(ExclusiveRuns.Lost.class);
        assertThatThrownBy(() -> restarted.begin("snapshot:sap", "s3", "steward")).as("b's is alive")
            .isInstanceOf(ExclusiveRuns.Busy.class);
        b.close();
        restarted.close();
    }

    /**
     * Instances sharing a name (a SCIM group's changes) take turns: one that waits says so, and the holder,
     * letting the name go, leaves it a moment before taking it again rather than taking it back at once
     * every time while the other waits out its whole time-out.
     */
    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void anInstanceThatLetsGoOfANameAnotherWaitsForLeavesItAMoment(Databases.Kind kind) {
        DataSource store = Databases.fresh(kind);
        JdbcClient jdbc = JdbcClient.create(store);
        ExclusiveRuns a = runs(store, "a");
        ExclusiveRuns b = runs(store, "b");

        // nobody waits: a takes the name again as soon as it asks
        a.await("scim-group:crm:all-staff", "dispatch", Duration.ofSeconds(1)).close();
        ExclusiveRuns.Held held = a.await("scim-group:crm:all-staff", "dispatch", Duration.ofSeconds(1));
        assertThat(wanted(jdbc)).isNull();

        assertThatThrownBy(() -> b.await("scim-group:crm:all-staff", "dispatch", Duration.ofMillis(50)))
            .as("still a's after b's wait").isInstanceOf(ExclusiveRuns.Busy.class);
        assertThat(wanted(jdbc)).as("b said it waits").isNotNull();
        held.close();
        long asked = System.nanoTime();
        a.await("scim-group:crm:all-staff", "dispatch", Duration.ofSeconds(1)).close();
        assertThat(System.nanoTime() - asked).as("a left it to b for a moment first")
            .isGreaterThanOrEqualTo(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10));
        a.close();
        b.close();
    }

    private static java.sql.@Nullable Timestamp wanted(JdbcClient jdbc) {
        return jdbc.sql("select wanted_at from exclusive_run where name = 'scim-group:crm:all-staff'")
            .query(java.sql.Timestamp.class).optional().orElse(null);
    }

    /**
     * The run of an instance that was killed (its session gone from the store, and its instance lock
     * with it) is taken over once it missed two renewals, not a whole time to live later; the run of
     * one whose session is alive (slow, or cut off from the store) is not. PostgreSQL: the instance
     * lock is an advisory lock there.
     */
    @org.junit.jupiter.api.Test
    void theRunOfAKilledInstanceIsTakenOverAfterTwoMissedRenewals() throws Exception {
        DataSource store = Databases.fresh(Databases.Kind.POSTGRESQL);
        ClusterSettings as = new ClusterSettings(true, "a", Duration.ofSeconds(12), null); // renewed every 4 s
        ClusterSettings bs = new ClusterSettings(true, "b", Duration.ofSeconds(12), null);
        StoreSharing aLock = lock(store, as);
        StoreSharing bLock = lock(store, bs);
        ExclusiveRuns a = new ExclusiveRuns(store, as, aLock);
        ExclusiveRuns b = new ExclusiveRuns(store, bs, bLock);
        a.begin("snapshot:sap", "s1", "steward");
        a.close(); // its renewals stop
        long lastRenewed = System.nanoTime();

        Thread.sleep(8_500); // two renewals missed
        assertThatThrownBy(() -> b.begin("snapshot:sap", "s2", "other")).as("a's session is alive: a slow instance keeps it")
            .isInstanceOf(ExclusiveRuns.Busy.class);
        assertThat(b.alive("snapshot:")).as("still running, as b sees it").containsExactly("s1");
        aLock.close(); // a is killed: the server ends its session, and its instance lock with it
        assertThat(b.alive("snapshot:")).as("no longer running, as the console shows it").isEmpty();
        ExclusiveRuns.Held taken = b.begin("snapshot:sap", "s2", "other");
        assertThat(taken.replaced()).get().extracting(ExclusiveRuns.Holder::instance).isEqualTo("a");
        assertThat(System.nanoTime() - lastRenewed).as("before a's run ran out").isLessThan(Duration.ofSeconds(12).toNanos());
        taken.close();
        b.close();
        bLock.close();
    }

    private static StoreSharing lock(DataSource store, ClusterSettings cluster) {
        return new StoreSharing(new org.springframework.beans.factory.support.StaticListableBeanFactory(
            java.util.Map.of("store", store)).getBeanProvider(DataSource.class), cluster);
    }

    private static ExclusiveRuns runs(DataSource store, @Nullable String instance) {
        return new ExclusiveRuns(store, new ClusterSettings(instance != null, instance, Duration.ofSeconds(1), null));
    }
}
