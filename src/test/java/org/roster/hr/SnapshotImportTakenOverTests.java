package org.roster.hr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.roster.support.Databases;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * In cluster mode another instance can take a source's import over (the one running it stopped
 * renewing its claim). From then on, no batch of the first import commits: with two threads, a
 * batch written alongside the one before it checks the claim just before its own commit.
 */
@SpringBootTest(properties = {
    "roster.demo.enabled=false",
    "roster.cluster.enabled=true",
    "roster.cluster.instance-id=taken-over-tests",
    "roster.hr.snapshot-import-threads=2",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.hr.sources[0].name=sap",
    "roster.hr.sources[0].type=snapshot"})
class SnapshotImportTakenOverTests {

    @DynamicPropertySource
    static void onPostgres(DynamicPropertyRegistry r) {
        String store = Databases.freshPostgresUrl();
        r.add("roster.store.url", () -> store);
    }

    @Autowired
    SnapshotImport imports;

    @Autowired
    JdbcClient jdbc;

    @Test
    void noBatchOfAnImportCommitsOnceAnotherInstanceTookItOver() {
        StringBuilder file = new StringBuilder("employeeNumber,userName\n");
        for (int i = 0; i < 2_500; i++) { // five batches of new workers: the second to fifth may go alongside
            file.append(String.format("T%04d,t%04d%n", i, i));
        }
        AtomicBoolean taken = new AtomicBoolean();
        try {
            assertThatThrownBy(() -> imports.importSnapshot("sap",
                new java.io.ByteArrayInputStream(file.toString().getBytes(StandardCharsets.UTF_8)), SnapshotFormat.CSV, "test",
                rows -> {
                    // once the first batch has committed (on the import's own thread), as another instance takes
                    // the source over; the next batches go alongside the one before them, and none checked its
                    // claim when it started
                    if (taken.compareAndSet(false, true)) {
                        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                            jdbc.sql("select count(*) from hr_worker").query(Long.class).single() == 500);
                        jdbc.sql("update exclusive_run set run_id = 'another-instance' where name = 'snapshot:sap'")
                            .update();
                    }
                }))
                .isInstanceOf(HrUnavailableException.class).hasMessageContaining("send the file again");
        } finally {
            jdbc.sql("delete from exclusive_run where name = 'snapshot:sap'").update();
        }

        assertThat(jdbc.sql("select count(*) from hr_worker").query(Long.class).single())
            .as("the first batch, committed before the claim changed hands, and no other").isEqualTo(500);
        assertThat(jdbc.sql("select max(employee_number) from hr_worker").query(String.class).single()).isEqualTo("T0499");
        assertThat(jdbc.sql("select count(*) from hr_snapshot_row").query(Long.class).single()).isEqualTo(500);
    }
}
