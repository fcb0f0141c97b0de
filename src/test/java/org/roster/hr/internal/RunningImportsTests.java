package org.roster.hr.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.roster.hr.HrSourceSettings;
import org.roster.runtime.ClusterSettings;
import org.roster.support.Databases;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One snapshot import of a source at a time, across instances over one store (both stores): a second
 * is refused naming the first; an instance runs its most imports at once; the import of an instance
 * that stopped is taken over (at once by a single instance or one started again under its name, after
 * a time to live by another), marked interrupted, and can apply no further batch.
 */
class RunningImportsTests {

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void oneImportOfASourceAtATimeAndAtMostTheLimitOnAnInstance(Databases.Kind kind) {
        JdbcClient jdbc = JdbcClient.create(Databases.fresh(kind));
        RunningImports single = imports(jdbc, null);
        RunningImports.Running first = single.begin("sap", "s1", "steward");
        assertThatThrownBy(() -> single.begin("sap", "s2", "other"))
            .isInstanceOfSatisfying(RunningImports.Busy.class, e -> {
                assertThat(e.holder().snapshotId()).isEqualTo("s1");
                assertThat(e.holder().actor()).isEqualTo("steward");
            });
        RunningImports.Running other = single.begin("workday", "w1", "steward");
        assertThatThrownBy(() -> single.begin("contractors", "c1", "steward"))
            .as("two at once on this instance").isInstanceOfSatisfying(RunningImports.Full.class, e -> assertThat(e.max()).isEqualTo(2));
        assertThat(single.holder("contractors")).as("a refused import holds nothing").isEmpty();

        first.close();
        assertThat(single.holder("sap")).isEmpty();
        RunningImports.Running again = single.begin("sap", "s3", "steward");
        assertThat(single.holder("sap")).get().extracting(RunningImports.Holder::snapshotId).isEqualTo("s3");
        first.close(); // closing twice frees nothing of the import after it
        assertThat(single.holder("sap")).get().extracting(RunningImports.Holder::snapshotId).isEqualTo("s3");
        other.close();
        again.check(); // a single instance's import is never taken from it
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void theImportOfAStoppedSingleInstanceIsTakenOverAtOnceAndMarkedInterrupted(Databases.Kind kind) {
        JdbcClient jdbc = JdbcClient.create(Databases.fresh(kind));
        snapshot(jdbc, "s1");
        imports(jdbc, null).begin("sap", "s1", "steward"); // killed: never closed
        RunningImports restarted = imports(jdbc, null);
        snapshot(jdbc, "s2");
        restarted.begin("sap", "s2", "steward");
        assertThat(restarted.holder("sap")).get().extracting(RunningImports.Holder::snapshotId).isEqualTo("s2");
        assertThat(summary(jdbc, "s1")).startsWith("interrupted: ").contains("taken over by snapshot s2");
        assertThat(summary(jdbc, "s2")).as("the new import's record is untouched").isNull();
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void inClusterModeAnotherInstanceWaitsATimeToLiveAfterTheHolderStopsRenewing(Databases.Kind kind) throws Exception {
        JdbcClient jdbc = JdbcClient.create(Databases.fresh(kind));
        RunningImports a = imports(jdbc, "a");
        RunningImports b = imports(jdbc, "b");
        snapshot(jdbc, "s1");
        RunningImports.Running importing = a.begin("sap", "s1", "steward");
        RunningImports.Running onT = a.begin("workday", "w1", "steward");
        assertThatThrownBy(() -> b.begin("sap", "s2", "other"))
            .isInstanceOfSatisfying(RunningImports.Busy.class, e -> {
                assertThat(e.holder().snapshotId()).isEqualTo("s1");
                assertThat(e.holder().instance()).isEqualTo("a");
            });
        Thread.sleep(1_500); // longer than the time to live: a renews every third of it
        assertThatThrownBy(() -> b.begin("sap", "s2", "other")).as("renewed: still a's").isInstanceOf(RunningImports.Busy.class);
        importing.check();

        a.close(); // a stops renewing, as an instance that was killed
        Thread.sleep(1_500);
        snapshot(jdbc, "s2");
        RunningImports.Running taken = b.begin("sap", "s2", "other");
        assertThat(summary(jdbc, "s1")).startsWith("interrupted: a stopped while importing it");
        assertThatThrownBy(importing::check).as("a's import, were it still running, applies no further batch")
            .isInstanceOf(RunningImports.Lost.class).hasMessageContaining("snapshot s2");
        taken.check();

        // a started again under its name takes its own import over at once
        RunningImports restarted = imports(jdbc, "a");
        restarted.begin("workday", "w2", "steward");
        assertThatThrownBy(onT::check).isInstanceOf(RunningImports.Lost.class);
        assertThatThrownBy(() -> restarted.begin("sap", "s3", "steward")).as("b's is alive")
            .isInstanceOf(RunningImports.Busy.class);
        b.close();
        restarted.close();
    }

    private static RunningImports imports(JdbcClient jdbc, String instance) {
        ClusterSettings cluster = new ClusterSettings(instance != null, instance, Duration.ofSeconds(1), null);
        return new RunningImports(jdbc, cluster, new HrSourceSettings(null, null, null, null, null, null, null, null, 2));
    }

    private static void snapshot(JdbcClient jdbc, String id) {
        jdbc.sql("insert into hr_snapshot (id, source, started_at) values (?, 'sap', ?)")
            .params(id, Timestamp.from(Instant.now())).update();
    }

    private static String summary(JdbcClient jdbc, String id) {
        return jdbc.sql("select summary from hr_snapshot where id = ?").param(id).query(String.class).optional().orElse(null);
    }
}
