package org.roster.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPURL;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roster.hr.SnapshotFormat;
import org.roster.hr.SnapshotImport;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.support.Databases;
import org.roster.support.Slapd;
import org.roster.support.TestTargets;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An HR CSV of {@code bench.rows} workers (default 10 000) imported and provisioned into a real
 * OpenLDAP: the time from the start of the import until every account and group membership is
 * acknowledged by the directory. The peer figure: Apache Syncope 2.1 pulls 10 000 rows into
 * OpenLDAP in 514 s on this kind of machine. Run with
 * {@code mvn -B test -Pbenchmark -Dtest=LdapImportBenchmark}.
 */
@Tag("benchmark")
@SpringBootTest(properties = {
    "roster.demo.enabled=false",
    "logging.level.root=WARN",
    "roster.hr.sources[0].name=export",
    "roster.hr.sources[0].type=snapshot",
    "roster.hr.sources[1].name=warmup",
    "roster.hr.sources[1].type=snapshot"})
class LdapImportBenchmark {

    private static final int ROWS = Integer.getInteger("bench.rows", 10_000);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 2_000);
    private static String store = "";

    @Autowired
    SnapshotImport snapshots;
    @Autowired
    Provisioning provisioning;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) throws IOException {
        store = Databases.benchmarkStore(r, "bench-ldap-store");
        TestTargets.ldapDirectory(r, Slapd.shared());
    }

    @Test
    void csvIntoOpenLdap() throws Exception {
        // Warm-up, not measured: other workers, from another source, so that the JIT has compiled the
        // path before the clock starts, as in a server that has been running.
        Path warmup = csv("W", WARMUP);
        try (InputStream in = Files.newInputStream(warmup)) {
            snapshots.importSnapshot("warmup", in, SnapshotFormat.CSV, "benchmark", null);
        }
        await().atMost(Duration.ofHours(1)).pollInterval(Duration.ofMillis(100))
            .until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
        long warmupOperations = provisioning.count(OutboxEntry.Status.DONE);
        Path file = csv("L", ROWS);

        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        SnapshotImport.Summary summary;
        try (InputStream in = Files.newInputStream(file)) {
            summary = snapshots.importSnapshot("export", in, SnapshotFormat.CSV, "benchmark", null);
        }
        double imported = (System.nanoTime() - t0) / 1e9;
        long doneAtImport = provisioning.count(OutboxEntry.Status.DONE) - warmupOperations;
        await().atMost(Duration.ofHours(1)).pollInterval(Duration.ofMillis(100))
            .until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
        double provisioned = (System.nanoTime() - t0) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;

        assertThat(summary.created()).isEqualTo(ROWS);
        assertThat(provisioning.count(OutboxEntry.Status.DEAD)).isZero();
        long operations = provisioning.count(OutboxEntry.Status.DONE) - warmupOperations;
        String report = String.format(Locale.ROOT, """
            HR CSV -> OpenLDAP, %d rows (after %d warm-up rows), %s store, OpenLDAP %s; date %s, %d cores
              imported (HR, lifecycle, policy, plan, outbox): %.1f s (%.0f rows/s), %d operations acknowledged by then
              every account and membership acknowledged by OpenLDAP: %.1f s (%d operations, %.0f workers/s)
              Roster's CPU time meanwhile: %.1f s (of %.1f s available on %d cores)
              Apache Syncope 2.1, same size: 514 s (~20 workers/s)
            """, ROWS, WARMUP, store, Boolean.getBoolean("slapd.nosync") ? "without sync (olcDbNoSync)" : "default durability",
            Instant.now(), Runtime.getRuntime().availableProcessors(), imported, ROWS / imported, doneAtImport,
            provisioned, operations, ROWS / provisioned, cpu, provisioned * Runtime.getRuntime().availableProcessors(),
            Runtime.getRuntime().availableProcessors());
        System.out.println(report);
        Files.writeString(Path.of("target/benchmarks/ldap-import-" + ROWS + ".txt"), report);
    }

    private static Path csv(String prefix, int rows) throws IOException {
        Path file = Files.createDirectories(Path.of("target/benchmarks")).resolve("ldap-import-" + prefix + rows + ".csv");
        StringBuilder csv = new StringBuilder("employeeNumber,userName,givenName,familyName,email,department,workerType\n");
        String[] departments = {"Engineering", "Sales", "Finance", "Legal", "Support", "Marketing"};
        String user = prefix.toLowerCase(Locale.ROOT) + "ldapbench";
        for (int i = 0; i < rows; i++) {
            csv.append(prefix).append(i).append(',').append(user).append(i).append(",Given").append(i).append(",Family")
                .append(i).append(',').append(user).append(i).append("@example.com,").append(departments[i % 6])
                .append(i % 10 == 0 ? ",contractor\n" : ",employee\n");
        }
        Files.writeString(file, csv);
        return file;
    }

    /**
     * The directory on its own: the same number of account entries added straight to OpenLDAP with the
     * UnboundID SDK, over one connection and over four, with no Roster in the way. No client can
     * provision faster than this.
     */
    @Test
    void directoryAloneFloor() throws Exception {
        Slapd slapd = Slapd.shared();
        LDAPURL url = new LDAPURL(slapd.url());
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
            "OpenLDAP alone, %d inetOrgPerson adds (no Roster); date %s%n", ROWS, Instant.now()));
        try (LDAPConnectionPool pool = new LDAPConnectionPool(
                new LDAPConnection(url.getHost(), url.getPort(), slapd.bindDn(), slapd.bindPassword()), 4)) {
            for (int threads : new int[] {1, 4}) {
                String ou = "ou=floor" + threads + "," + slapd.baseDn();
                pool.add(ou, new Attribute("objectClass", "organizationalUnit"),
                    new Attribute("ou", "floor" + threads));
                ExecutorService senders = Executors.newFixedThreadPool(threads);
                long t0 = System.nanoTime();
                List<Future<Object>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int first = t;
                    done.add(senders.submit(() -> {
                        for (int i = first; i < ROWS; i += threads) {
                            String uid = "floor" + i;
                            pool.add("uid=" + uid + "," + ou,
                                new Attribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson"),
                                new Attribute("uid", uid), new Attribute("cn", uid),
                                new Attribute("sn", uid), new Attribute("givenName", uid),
                                new Attribute("employeeNumber", uid),
                                new Attribute("mail", uid + "@example.com"),
                                new Attribute("departmentNumber", "Sales"));
                        }
                        return null;
                    }));
                }
                for (Future<Object> f : done) {
                    f.get();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                senders.shutdown();
                report.append(String.format(Locale.ROOT, "  %d connection(s): %.1f s (%.0f adds/s)%n", threads, seconds,
                    ROWS / seconds));
            }
        }
        System.out.println(report);
        Files.writeString(Files.createDirectories(Path.of("target/benchmarks")).resolve("ldap-floor-" + ROWS + ".txt"),
            report.toString());
    }
}
