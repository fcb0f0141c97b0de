package org.roster.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.SearchResultEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roster.hr.ScimSchemas;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.support.Api;
import org.roster.support.Databases;
import org.roster.support.Slapd;
import org.roster.support.TestTargets;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Time from an HR system's SCIM termination request to the account being disabled in a real
 * OpenLDAP, one leaver at a time, as a person checking the directory would see it. Not part of the
 * test suite: run with {@code mvn -B test -Pbenchmark} (see docs/benchmarks.md). Roster runs with
 * its embedded defaults (H2 file store) except for the directory.
 */
@Tag("benchmark")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + LeaverLatencyBenchmark.TOKEN,
    // 1 100 leavers from one source in an hour is exactly what the safety guard holds; here it is the point
    "roster.plan.guard.enabled=false",
    // the bulk work of -Dbench.background arrives as a snapshot from its own source
    "roster.hr.sources[0].name=export",
    "roster.hr.sources[0].type=snapshot",
    "logging.level.root=WARN"})
class LeaverLatencyBenchmark {

    static final String TOKEN = "bench-token-0123456789abcdef";
    private static final int LEAVERS = Integer.getInteger("bench.leavers", 1000);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 100);
    /** {@code h2} (the embedded default, a file) or {@code postgresql} (embedded PostgreSQL 17). */
    private static final String STORE = System.getProperty("bench.store", "h2");
    /**
     * {@code -Dbench.background=N}: the leavers are terminated while a snapshot of N new workers is
     * imported and their accounts and groups are created in the same directory: bulk work in the
     * same target's lane that each termination has to overtake. 0 (the default): the leavers alone.
     */
    private static final int BACKGROUND = Integer.getInteger("bench.background", 0);

    @LocalServerPort
    int port;
    @Autowired
    Provisioning provisioning;
    @Autowired
    org.roster.hr.SnapshotImport snapshots;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) throws IOException {
        Slapd d = Slapd.shared();
        Databases.benchmarkStore(r, "bench-store");
        TestTargets.ldapDirectory(r, d);
    }

    @Test
    void leaverLatency() throws Exception {
        Api api = new Api("http://127.0.0.1:" + port, TOKEN);
        int total = WARMUP + LEAVERS;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            String en = "B" + i;
            Api.Response r = api.send("POST", "/scim/v2/Users", "application/scim+json", user(en));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            ids.add(r.json().path("id").stringValue());
        }
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
            .until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);

        Background background = BACKGROUND > 0 ? Background.start(snapshots, provisioning, BACKGROUND) : null;
        List<Double> requestMs = new ArrayList<>();
        List<Double> visibleMs = new ArrayList<>();
        long[] backlog = new long[total];
        try (LDAPConnection ldap = Slapd.shared().connect()) {
            for (int i = 0; i < total; i++) {
                backlog[i] = background == null ? 0 : provisioning.count(OutboxEntry.Status.PENDING);
                String dn = "uid=b" + i + ",ou=people," + Slapd.BASE_DN;
                long t0 = System.nanoTime();
                Api.Response r = api.send("PATCH", "/scim/v2/Users/" + ids.get(i), "application/scim+json", """
                    {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                     "Operations": [{"op": "replace", "path": "%s:employmentStatus", "value": "terminated"}]}
                    """.formatted(ScimSchemas.WORKER));
                long t1 = System.nanoTime();
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                while (!locked(ldap, dn)) {
                    LockSupport.parkNanos(100_000);
                }
                long t2 = System.nanoTime();
                if (i >= WARMUP) {
                    requestMs.add((t1 - t0) / 1e6);
                    visibleMs.add((t2 - t0) / 1e6);
                }
            }
        }
        String report = String.format(Locale.ROOT, """
            leaver latency, SCIM PATCH (employmentStatus=terminated) -> pwdAccountLockedTime visible in OpenLDAP
            date %s, store %s, %d leavers after %d warm-up, %d cores
              SCIM response:      p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms
              disabled in LDAP:   p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms
            """, Instant.now(), STORE, LEAVERS, WARMUP, Runtime.getRuntime().availableProcessors(),
            pct(requestMs, 50), pct(requestMs, 95), pct(requestMs, 99), pct(requestMs, 100),
            pct(visibleMs, 50), pct(visibleMs, 95), pct(visibleMs, 99), pct(visibleMs, 100));
        if (background != null) {
            report = report + background.finish(backlog, WARMUP) + String.format(Locale.ROOT,
                "    its batches: alone %.0f, alongside %.0f, again %.0f (roster.hr.snapshot-import-threads)%n",
                batches("alone"), batches("alongside"), batches("again"));
        }
        System.out.println(report);
        Files.createDirectories(Path.of("target/benchmarks"));
        Files.writeString(Path.of("target/benchmarks/leaver-latency-" + STORE + (BACKGROUND > 0 ? "-busy" : "") + ".txt"),
            report);
    }

    private double batches(String applied) {
        return meters.counter("roster.hr.snapshot.batches", "applied", applied).count();
    }

    /**
     * A snapshot of new workers imported on another thread while the leavers are sent; the leavers
     * start once the directory's lane has a backlog of operations to send.
     */
    private static final class Background {
        private final Thread thread;
        private final long started = System.nanoTime();
        private volatile double importSeconds = -1;
        private volatile @org.jspecify.annotations.Nullable Throwable failure;
        private final Provisioning provisioning;
        private final int rows;

        private Background(org.roster.hr.SnapshotImport snapshots, Provisioning provisioning, int rows, Path file) {
            this.provisioning = provisioning;
            this.rows = rows;
            this.thread = new Thread(() -> importFile(snapshots, file), "bench-background-import");
        }

        static Background start(org.roster.hr.SnapshotImport snapshots, Provisioning provisioning, int rows)
            throws IOException {
            Path file = Files.createDirectories(Path.of("target/benchmarks")).resolve("background.csv");
            try (java.io.BufferedWriter w = Files.newBufferedWriter(file)) {
                w.write("employeeNumber,userName,givenName,familyName,email,department,costCenter,workerType,startDate\n");
                for (int i = 0; i < rows; i++) {
                    w.write("G" + i + ",bulk" + i + ",Given" + i + ",Bulk" + i + ",bulk" + i + "@example.com,"
                        + (i % 2 == 0 ? "Sales" : "Support") + ",CC-1,employee,2020-01-06\n");
                }
            }
            Background b = new Background(snapshots, provisioning, rows, file);
            b.thread.start();
            // the leavers start once the directory has routine work waiting: they have something to overtake
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> b.failure != null || provisioning.count(OutboxEntry.Status.PENDING) >= 2_000);
            assertThat(b.failure).isNull();
            return b;
        }

        private void importFile(org.roster.hr.SnapshotImport snapshots, Path file) {
            try (java.io.InputStream in = Files.newInputStream(file)) {
                snapshots.importSnapshot("export", in, org.roster.hr.SnapshotFormat.CSV, "benchmark", null);
                importSeconds = (System.nanoTime() - started) / 1e9;
            } catch (Throwable e) {
                failure = e;
            }
        }

        /** Waits for the bulk work to be imported and sent; says how much of it the leavers ran beside. */
        String finish(long[] backlog, int warmup) throws InterruptedException {
            double leaversEnded = (System.nanoTime() - started) / 1e9;
            thread.join();
            assertThat(failure).isNull();
            await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
            double sent = (System.nanoTime() - started) / 1e9;
            long[] measured = java.util.Arrays.copyOfRange(backlog, warmup, backlog.length);
            long busy = java.util.Arrays.stream(measured).filter(b -> b > 0).count();
            return String.format(Locale.ROOT, """
                  meanwhile: a snapshot of %d new workers (an account and two groups each in the same directory)
                    imported in %.1f s, every operation acknowledged %.1f s after it started; the leavers ended at %.1f s
                    operations waiting when each measured leaver was sent: %d of %d leavers had some; median %d, min %d, max %d
                """, rows, importSeconds, sent, leaversEnded, busy, measured.length,
                java.util.Arrays.stream(measured).sorted().toArray()[measured.length / 2],
                java.util.Arrays.stream(measured).min().orElse(0), java.util.Arrays.stream(measured).max().orElse(0));
        }
    }

    private static boolean locked(LDAPConnection ldap, String dn) throws Exception {
        SearchResultEntry e = ldap.getEntry(dn, "pwdAccountLockedTime");
        return e != null && e.hasAttribute("pwdAccountLockedTime");
    }

    private static double pct(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    private static String user(String en) {
        return """
            {"schemas": ["%s", "%s", "%s"], "userName": "%s",
             "name": {"givenName": "Bench", "familyName": "%s"},
             "emails": [{"value": "%s@example.com", "primary": true}],
             "%s": {"employeeNumber": "%s", "department": "Engineering"},
             "%s": {"workerType": "employee", "startDate": "2024-01-08"}}
            """.formatted(ScimSchemas.USER, ScimSchemas.ENTERPRISE_USER, ScimSchemas.WORKER,
            en.toLowerCase(Locale.ROOT), en, en.toLowerCase(Locale.ROOT), ScimSchemas.ENTERPRISE_USER, en,
            ScimSchemas.WORKER);
    }
}
