package org.roster.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roster.hr.SnapshotFormat;
import org.roster.hr.SnapshotImport;
import org.roster.hr.Worker;
import org.roster.plan.Plan;
import org.roster.plan.Planner;
import org.roster.plan.PolicyChanges;
import org.roster.policy.Grant;
import org.roster.policy.Policy;
import org.roster.policy.PolicyEngine;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.support.Databases;
import org.roster.support.TestWorkers;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Policy at scale: a policy of 200 rules over {@code bench.identities} identities (default 100 000).
 * First the engine alone (CEL evaluation of every rule, then the planner against known accounts),
 * then the product path: the identities imported into a store, one rule changed in the policy file,
 * and the reload timed until every affected identity is planned again. Run with
 * {@code mvn -B test -Pbenchmark -Dtest=PolicyBenchmark}.
 */
@Tag("benchmark")
@SpringBootTest(properties = {
    "roster.demo.enabled=false",
    "logging.level.root=WARN",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.hr.sources[0].name=export",
    "roster.hr.sources[0].type=snapshot",
    "roster.plan.guard.enabled=false"})
class PolicyBenchmark {

    private static final int IDENTITIES = Integer.getInteger("bench.identities", 100_000);
    private static final int DEPARTMENTS = 50;
    private static final int COST_CENTRES = 100;
    private static final int TITLES = 40;
    private static Path file;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) throws IOException {
        Databases.benchmarkStore(r, "bench-policy-store");
        file = Files.createDirectories(Path.of("target/benchmarks")).resolve("policy-200-rules.yml");
        Files.writeString(file, policy("finance-ledger"));
        r.add("roster.policy.file", file::toString);
    }

    @Autowired
    SnapshotImport snapshots;
    @Autowired
    Provisioning provisioning;
    @Autowired
    PolicyChanges changes;

    /**
     * 200 rules: one per department (50), cost centre (100) and job title (40), and ten more over
     * worker type, location and combinations; each grants one or two entitlements.
     */
    static String policy(String department7Entitlement) {
        StringBuilder y = new StringBuilder("rules:\n");
        for (int d = 0; d < DEPARTMENTS; d++) {
            y.append(rule("dept-" + d, "worker.department == 'D" + d + "'",
                d == 7 ? department7Entitlement : "dept-" + d));
        }
        for (int c = 0; c < COST_CENTRES; c++) {
            y.append(rule("cc-" + c, "worker.costCenter == 'CC" + c + "'", "cc-" + c));
        }
        for (int t = 0; t < TITLES; t++) {
            y.append(rule("title-" + t, "worker.title.startsWith('T" + t + " ')", "title-" + t, "wiki-" + t));
        }
        for (int x = 0; x < 10; x++) {
            y.append(rule("mixed-" + x, "worker.workerType == 'employee' && worker.location == 'L" + x
                + "' && worker.department in ['D" + x + "', 'D" + (x + 10) + "']", "site-" + x));
        }
        return y.toString();
    }

    private static String rule(String name, String when, String... entitlements) {
        StringBuilder r = new StringBuilder("  - name: " + name + "\n    when: \"" + when + "\"\n    grants:\n");
        for (String e : entitlements) {
            r.append("      - target: directory\n        entitlement: ").append(e).append('\n');
        }
        return r.toString();
    }

    private static Worker worker(int i) {
        return TestWorkers.worker().employeeNumber("B" + i).userName("bench" + i).department("D" + (i % DEPARTMENTS))
            .costCenter("CC" + (i % COST_CENTRES)).title("T" + (i % TITLES) + " Engineer").location("L" + (i % 17))
            .build();
    }

    @Test
    void policyAtScale() throws Exception {
        Policy policy = PolicyEngine.parse(policy("finance-ledger"), "benchmark");
        assertThat(policy.ruleNames()).hasSize(200);

        // The engine alone: evaluate 200 rules and plan, per identity (a joiner: no account yet).
        for (int i = 0; i < 20_000; i++) {
            plan(policy, worker(i)); // warm-up
        }
        long operations = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < IDENTITIES; i++) {
            operations += plan(policy, worker(i)).operations().size();
        }
        double engine = (System.nanoTime() - t0) / 1e9;

        // The product path: the identities in the store, provisioned, then a one-rule change reloaded.
        Path csv = file.resolveSibling("policy-identities.csv");
        StringBuilder rows = new StringBuilder("employeeNumber,userName,department,costCenter,title,location\n");
        for (int i = 0; i < IDENTITIES; i++) {
            Worker w = worker(i);
            rows.append(w.employeeNumber()).append(',').append(w.userName()).append(',').append(w.department())
                .append(',').append(w.costCenter()).append(',').append(w.title()).append(',').append(w.location())
                .append('\n');
        }
        Files.writeString(csv, rows);
        long i0 = System.nanoTime();
        try (InputStream in = Files.newInputStream(csv)) {
            assertThat(snapshots.importSnapshot("export", in, SnapshotFormat.CSV, "benchmark", null).created())
                .isEqualTo(IDENTITIES);
        }
        await().atMost(Duration.ofHours(1)).pollInterval(Duration.ofMillis(200))
            .until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
        double imported = (System.nanoTime() - i0) / 1e9;

        Files.writeString(file, policy("finance-ledger-v2"));
        long r0 = System.nanoTime();
        PolicyChanges.Outcome outcome = changes.reload("benchmark");
        double reload = (System.nanoTime() - r0) / 1e9;
        await().atMost(Duration.ofHours(1)).pollInterval(Duration.ofMillis(50))
            .until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
        double propagated = (System.nanoTime() - r0) / 1e9;
        assertThat(outcome.affected()).isEqualTo(IDENTITIES / DEPARTMENTS);

        String report = String.format(Locale.ROOT, """
            policy of 200 rules, %d identities; date %s, %d cores, max heap %d MB
              engine alone (200 CEL rules evaluated + plan), joiners: %.2f s, %.0f identities/s, %d operations
              product path: %d identities imported and provisioned (memory target) in %.1f s
              one rule changed (department D7: entitlement replaced), reload: %.2f s to validate, find the
                %d affected of %d identities (2 CEL rules each) and plan them; all acknowledged after %.2f s
            """, IDENTITIES, Instant.now(), Runtime.getRuntime().availableProcessors(),
            Runtime.getRuntime().maxMemory() >> 20, engine, IDENTITIES / engine, operations, IDENTITIES, imported,
            reload, outcome.affected(), IDENTITIES, propagated);
        System.out.println(report);
        Files.writeString(file.resolveSibling("policy-" + IDENTITIES + ".txt"), report);
    }

    private static Plan plan(Policy policy, Worker w) {
        Map<String, Map<String, String>> byTarget = new TreeMap<>();
        for (Grant g : policy.evaluate(w.attributes(), "ACTIVE").grants()) {
            byTarget.computeIfAbsent(g.target(), k -> new TreeMap<>()).put(g.entitlement(), g.rule());
        }
        List<Planner.Desired> desired = new ArrayList<>();
        byTarget.forEach((t, ents) -> desired.add(new Planner.Desired(t, true, Map.of("userName", w.userName()), ents)));
        return Planner.plan(w.employeeNumber(), desired, List.of(), "JOINER", false, "bench", Instant.EPOCH,
            Instant.EPOCH, policy.version(), "bench");
    }
}
