package org.roster.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roster.hr.SnapshotFormat;
import org.roster.hr.SnapshotImport;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.reconcile.ReconcileRun;
import org.roster.reconcile.Reconciliations;
import org.roster.support.Databases;
import org.roster.support.Slapd;
import org.roster.support.TestTargets;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Reconciliation of one target of {@code bench.accounts} accounts (default 100 000) on a real
 * OpenLDAP: Roster provisions them from an HR CSV (not measured), a little drift is made by hand,
 * then one report-mode run reads every account and group back and compares each with its desired
 * state. Measured: the run's time, and the heap it needed (sampled every 20 ms, above the heap in
 * use before it). Run with {@code mvn -B test -Pbenchmark -Dtest=ReconcileBenchmark -Dslapd.nosync=true}.
 */
@Tag("benchmark")
@SpringBootTest(properties = {
    "roster.demo.enabled=false",
    "logging.level.root=WARN",
    "roster.plan.guard.enabled=false",
    "roster.provisioning.targets[0].concurrency=8",
    "roster.hr.sources[0].name=export",
    "roster.hr.sources[0].type=snapshot"})
class ReconcileBenchmark {

    private static final int ACCOUNTS = Integer.getInteger("bench.accounts", 100_000);
    private static final int DRIFT = 100;
    private static String store = "";

    @Autowired
    SnapshotImport snapshots;
    @Autowired
    Provisioning provisioning;
    @Autowired
    Reconciliations reconciliations;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) throws IOException {
        store = Databases.benchmarkStore(r, "bench-reconcile-store");
        TestTargets.ldapDirectory(r, Slapd.shared());
    }

    @Test
    void reconcileOneHundredThousandAccounts() throws Exception {
        long s0 = System.nanoTime();
        try (InputStream in = Files.newInputStream(csv(ACCOUNTS))) {
            snapshots.importSnapshot("export", in, SnapshotFormat.CSV, "benchmark", null);
        }
        await().atMost(Duration.ofHours(2)).pollInterval(Duration.ofMillis(500))
            .until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
        double seeded = (System.nanoTime() - s0) / 1e9;
        assertThat(provisioning.count(OutboxEntry.Status.DEAD)).isZero();

        // drift by hand: members taken out of a department group, and accounts nobody in HR owns
        Slapd slapd = Slapd.shared();
        try (LDAPConnection c = slapd.connect()) {
            List<String> taken = new ArrayList<>();
            for (int i = 0; taken.size() < DRIFT; i++) {
                if (i % 6 == 1) {
                    taken.add("uid=rbench" + i + ",ou=people," + slapd.baseDn());
                }
            }
            c.modify("cn=dept-sales,ou=groups," + slapd.baseDn(),
                new Modification(ModificationType.DELETE, "member", taken.toArray(String[]::new)));
            for (int i = 0; i < DRIFT; i++) {
                c.add("uid=stray" + i + ",ou=people," + slapd.baseDn(),
                    new Attribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson"),
                    new Attribute("uid", "stray" + i), new Attribute("cn", "stray" + i), new Attribute("sn", "stray" + i));
            }
        }

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(before);
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        long t0 = System.nanoTime();
        ReconcileRun run = reconciliations.reconcile("directory", null, "benchmark");
        double seconds = (System.nanoTime() - t0) / 1e9;
        sampler.interrupt();
        sampler.join();

        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(ReconcileRun.Status.FINISHED);
        assertThat(run.accounts()).isEqualTo(ACCOUNTS + DRIFT);
        assertThat(run.counts()).containsEntry("MISSING_ENTITLEMENT/OPEN", (long) DRIFT)
            .containsEntry("ORPHAN_ACCOUNT/OPEN", (long) DRIFT);
        String report = String.format(Locale.ROOT, """
            Reconciliation (report mode) of one OpenLDAP target, %d accounts (%d orphans, %d missing memberships made by \
            hand); %s store, OpenLDAP %s; date %s, %d cores, max heap %d MB
              run: %.1f s (%.0f accounts/s), %d findings
              heap: %d MB in use before, peak %d MB during the run (+%d MB)
              (provisioning the accounts first, not measured: %.0f s)
            """, ACCOUNTS + DRIFT, DRIFT, DRIFT, store,
            Boolean.getBoolean("slapd.nosync") ? "without sync (olcDbNoSync)" : "default durability", Instant.now(),
            Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, seconds,
            run.accounts() / seconds, run.findings(), before >> 20, peak.get() >> 20, (peak.get() - before) >> 20, seeded);
        System.out.println(report);
        Files.writeString(Path.of("target/benchmarks/reconcile-" + ACCOUNTS + ".txt"), report);
    }

    private static Path csv(int rows) throws IOException {
        Path file = Files.createDirectories(Path.of("target/benchmarks")).resolve("reconcile-" + rows + ".csv");
        StringBuilder csv = new StringBuilder("employeeNumber,userName,givenName,familyName,email,department,workerType\n");
        String[] departments = {"Engineering", "Sales", "Finance", "Legal", "Support", "Marketing"};
        for (int i = 0; i < rows; i++) {
            csv.append('R').append(i).append(",rbench").append(i).append(",Given").append(i).append(",Family").append(i)
                .append(",rbench").append(i).append("@example.com,").append(departments[i % 6])
                .append(i % 10 == 0 ? ",contractor\n" : ",employee\n");
        }
        Files.writeString(file, csv);
        return file;
    }
}
