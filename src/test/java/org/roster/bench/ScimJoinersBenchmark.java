package org.roster.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roster.hr.SnapshotFormat;
import org.roster.hr.SnapshotImport;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.support.Databases;
import org.roster.support.ScimTargetServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A first load of {@code bench.joiners} workers (default 2 000) into a SCIM 2.0 application, the
 * independent server the tests use (captaingoldfish's {@code scim-sdk-server}, in memory): each
 * joiner gets a user, the birthright group every worker is in, and their department's group. Then all
 * of them leave at once (the safety guard off): disabled and taken out of both groups. Reports, for
 * each, the time until the application had acknowledged every operation (and for the leavers, until
 * each one's access was verified gone), the HTTP requests it served and the bytes it sent back. Run with {@code mvn -B test -Pbenchmark -Dtest=ScimJoinersBenchmark}
 * ({@code -Dbench.scim.members-per-request=1} sends each membership on its own).
 */
@Tag("benchmark")
@SpringBootTest(properties = {
    "roster.demo.enabled=false",
    "logging.level.root=WARN",
    "roster.plan.guard.enabled=false",
    "roster.hr.sources[0].name=export",
    "roster.hr.sources[0].type=snapshot",
    "roster.policy.rules[0].name=everyone",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=crm",
    "roster.policy.rules[0].grants[0].entitlement=crm-users",
    "roster.policy.rules[1].name=department",
    "roster.policy.rules[1].when=true",
    "roster.policy.rules[1].grants[0].target=crm",
    "roster.policy.rules[1].grants[0].expression='crm-' + worker.department.lowerAscii()"})
class ScimJoinersBenchmark {

    private static final int JOINERS = Integer.getInteger("bench.joiners", 2_000);
    private static ScimTargetServer crm;
    private static String store;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) throws Exception {
        store = Databases.benchmarkStore(r, "bench-scim-joiners-store");
        crm = new ScimTargetServer();
        org.roster.support.TestTargets.scimApplication(r, 0, crm);
        String perRequest = System.getProperty("bench.scim.members-per-request");
        if (perRequest != null) {
            r.add("roster.provisioning.targets[0].scim.members-per-request", () -> perRequest);
        }
    }

    @AfterAll
    static void stop() {
        crm.close();
    }

    @Autowired
    SnapshotImport snapshots;
    @Autowired
    Provisioning provisioning;

    @Test
    void aFirstLoadIntoAScimApplicationThenEveryoneLeaves() throws Exception {
        Phase joiners = load("active");
        long everyone = crm.groups().values().stream().filter(g -> g.getDisplayName().orElse("").equals("crm-users"))
            .findFirst().orElseThrow().getMembers().size();
        assertThat(everyone).as("members of the birthright group, each once").isEqualTo(JOINERS);
        Phase leavers = load("terminated");
        long t0 = System.nanoTime();
        while (verified() < JOINERS) {
            Thread.sleep(200);
        }
        double lastVerified = leavers.acknowledged + (System.nanoTime() - t0) / 1e9;
        assertThat(crm.groups().values().stream().mapToLong(g -> g.getMembers().size()).sum()).isZero();

        String report = String.format(Locale.ROOT, """
            a first load into a SCIM application (captaingoldfish's scim-sdk-server, in memory), then everyone leaves; %s store; date %s, %d cores
              %d joiners, each a user, the birthright group and a department's group (%d operations); members-per-request %s
              joiners: imported in %.1f s; every operation acknowledged by the application %.1f s after the import started (%.0f operations/s)
                the application served %d requests (%.2f an operation) and sent back %.1f MB
              leavers (each disabled, then out of both groups): imported in %.1f s; every operation acknowledged after %.1f s, every leaver's access verified gone after %.1f s
                the application served %d requests (%.2f an operation) and sent back %.1f MB
            """, store, Instant.now(), Runtime.getRuntime().availableProcessors(), JOINERS, 3L * JOINERS,
            System.getProperty("bench.scim.members-per-request", "default"), joiners.imported, joiners.acknowledged,
            3 * JOINERS / joiners.acknowledged, joiners.requests, joiners.requests / (3.0 * JOINERS), joiners.bytes / 1e6,
            leavers.imported, leavers.acknowledged, lastVerified, leavers.requests, leavers.requests / (3.0 * JOINERS),
            leavers.bytes / 1e6);
        System.out.println(report);
        Files.writeString(Path.of("target/benchmarks/scim-joiners.txt"), report);
    }

    /** How many leavers' access was verified gone. */
    private long verified() {
        long verified = 0;
        for (int i = 0; i < JOINERS; i++) {
            verified += provisioning.revocations("S" + i).stream()
                .filter(r -> r.result() == org.roster.provisioning.Revocation.Result.VERIFIED).count();
        }
        return verified;
    }

    private record Phase(double imported, double acknowledged, long requests, long bytes) {
    }

    /** Every worker with this employment status, as one snapshot; timed until the application acknowledged all. */
    private Phase load(String status) throws Exception {
        Path file = Files.createDirectories(Path.of("target/benchmarks")).resolve("scim-joiners.csv");
        String[] departments = {"Engineering", "Sales", "Finance", "Legal", "Support", "Marketing"};
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            w.write("employeeNumber,userName,givenName,familyName,email,department,workerType,startDate,employmentStatus\n");
            for (int i = 0; i < JOINERS; i++) {
                w.write("S" + i + ",scim" + i + ",Given" + i + ",Family" + i + ",scim" + i + "@example.com,"
                    + departments[i % departments.length] + ",employee,2020-01-06," + status + "\n");
            }
        }
        long requests0 = crm.requests();
        long bytes0 = crm.bytesSent();
        long t0 = System.nanoTime();
        try (InputStream in = Files.newInputStream(file)) {
            snapshots.importSnapshot("export", in, SnapshotFormat.CSV, "benchmark", null);
        }
        double imported = (System.nanoTime() - t0) / 1e9;
        while (provisioning.count(OutboxEntry.Status.PENDING) > 0) {
            Thread.sleep(50);
        }
        double acknowledged = (System.nanoTime() - t0) / 1e9;
        assertThat(provisioning.count(OutboxEntry.Status.DEAD)).isZero();
        return new Phase(imported, acknowledged, crm.requests() - requests0, crm.bytesSent() - bytes0);
    }
}
