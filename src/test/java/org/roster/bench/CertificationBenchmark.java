package org.roster.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roster.certification.Campaign;
import org.roster.certification.Certifications;
import org.roster.hr.Worker;
import org.roster.store.JsonColumns;
import org.roster.support.Api;
import org.roster.support.Databases;
import org.roster.support.TestWorkers;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Certification at scale: {@code bench.identities} (100 000) active people, each holding 10
 * entitlements on one target that policy grants them (1 000 000 in all), 1 000 managers with 100
 * people each. Reported: the time to generate a campaign over all of it (scope {@code true}, reviewed
 * by the manager) and the heap it took; one manager's 1 000 items paged through the API, 100 at a
 * time; and 10 000 revocations decided in bulk, until every removal is planned and acknowledged by
 * the target. Run with {@code mvn -B test -Pbenchmark -Dtest=CertificationBenchmark}.
 */
@Tag("benchmark")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + CertificationBenchmark.TOKEN,
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.policy.rules[0].name=apps",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.policy.rules[0].grants[0].expression=['a-' + worker.department, 'b-' + worker.department, 'c-'"
        + " + worker.department, 'd-' + worker.department, 'e-' + worker.department, 'f-' + worker.department, 'g-'"
        + " + worker.department, 'h-' + worker.department, 'i-' + worker.department, 'all']",
    "roster.plan.guard.enabled=false",
    "roster.nhi.discover-every=0"})
class CertificationBenchmark {

    static final String TOKEN = "certification-bench-token-0123456789";
    private static final int IDENTITIES = Integer.getInteger("bench.identities", 100_000);
    private static final int MANAGERS = IDENTITIES / 100;
    private static final int REVOKE = Integer.getInteger("bench.revocations", 10_000);
    private static String store = "";

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry r) {
        store = Databases.benchmarkStore(r, "bench-certification");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Certifications certifications;
    @Autowired
    org.roster.provisioning.memory.InMemoryConnectorFactory memory;

    @Test
    void aCampaignOverAMillionEntitlements() {
        long s0 = System.nanoTime();
        fill();
        System.out.printf(Locale.ROOT, "%n[cert] %s: %,d identities, %,d entitlements, %,d managers seeded in %.0f s%n",
            store, IDENTITIES, IDENTITIES * 10L, MANAGERS, (System.nanoTime() - s0) / 1e9);
        Api api = new Api("http://127.0.0.1:" + port, TOKEN);

        System.gc();
        var heap = ManagementFactory.getMemoryMXBean();
        long before = heap.getHeapMemoryUsage().getUsed();
        long[] peak = {before};
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak[0] = Math.max(peak[0], heap.getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        long t0 = System.nanoTime();
        Api.Response started = api.send("POST", "/api/v1/certifications", "application/json",
            "{\"name\": \"everything\", \"scope\": \"true\", \"reviewers\": [\"manager\"], \"duration\": \"P30D\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String id = started.json().path("id").asString();
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(200)).until(() ->
            certifications.campaign(id).orElseThrow().status() == Campaign.Status.OPEN);
        double generated = (System.nanoTime() - t0) / 1e9;
        sampler.interrupt();
        long items = certifications.campaign(id).orElseThrow().items();
        System.out.printf(Locale.ROOT, "[cert] campaign of %,d items generated in %.1f s (%,.0f items/s); heap used %d MiB"
            + " before, highest sample %d MiB (garbage included; max heap %d MiB)%n", items, generated, items / generated,
            before >> 20, peak[0] >> 20, heap.getHeapMemoryUsage().getMax() >> 20);

        // one manager's items, 100 a page
        List<Double> pageMs = new ArrayList<>();
        List<String> mine = new ArrayList<>();
        String cursor = null;
        do {
            long p = System.nanoTime();
            JsonNode page = api.get("/api/v1/certifications/" + id + "/items?reviewer=M00007&size=100"
                + (cursor == null ? "" : "&cursor=" + cursor)).json();
            pageMs.add((System.nanoTime() - p) / 1e6);
            page.path("items").forEach(i -> mine.add(i.path("id").asString()));
            cursor = page.path("next").isNull() || page.path("next").isMissingNode() ? null : page.path("next").asString();
        } while (cursor != null);
        pageMs.sort(Double::compare);
        System.out.printf(Locale.ROOT, "[cert] reviewer M00007: %,d items in %d pages; page p50 %.1f ms, max %.1f ms%n",
            mine.size(), pageMs.size(), pageMs.get(pageMs.size() / 2), pageMs.get(pageMs.size() - 1));
        assertThat(mine).hasSize(1_000);

        // 10 000 revocations in bulk: ten managers' items, as their token... decided here as the managers
        List<String> toRevoke = new ArrayList<>();
        for (int m = 0; toRevoke.size() < REVOKE && m < MANAGERS; m++) {
            String manager = manager(m);
            toRevoke.addAll(certifications.items(id, manager, null, "", 1_000,
                new org.roster.principals.Principal(manager, org.roster.principals.Principal.Kind.PERSON, java.util.Set.of(),
                    manager, null)).stream().map(org.roster.certification.CertificationItem::id).toList());
        }
        long acked0 = jdbc.queryForObject("select count(*) from outbox where status = 'DONE'", Long.class);
        long r0 = System.nanoTime();
        int decided = 0;
        for (int from = 0; from < toRevoke.size(); from += 1_000) {
            String manager = manager(from / 1_000);
            var bulk = certifications.decideAll(id, toRevoke.subList(from, Math.min(toRevoke.size(), from + 1_000)),
                "revoke", "no longer needed", new org.roster.principals.Principal(manager,
                    org.roster.principals.Principal.Kind.PERSON, java.util.Set.of(), manager, null));
            decided += bulk.decided();
        }
        double planned = (System.nanoTime() - r0) / 1e9;
        int expected = decided;
        await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(200)).until(() -> jdbc.queryForObject(
            "select count(*) from outbox where status = 'DONE'", Long.class) - acked0 >= expected);
        double acked = (System.nanoTime() - r0) / 1e9;
        System.out.printf(Locale.ROOT, "[cert] %,d revocations decided and planned in %.1f s (%,.0f/s); every removal"
            + " acknowledged by the target after %.1f s; dead letters: %d%n", decided, planned, decided / planned, acked,
            jdbc.queryForObject("select count(*) from outbox where status = 'DEAD'", Long.class));
        assertThat(certifications.campaign(id).map(Campaign::open).orElseThrow()).isEqualTo(items - decided);
    }

    private static String manager(int m) {
        return String.format(Locale.ROOT, "M%05d", m);
    }

    private void fill() {
        Timestamp ts = Timestamp.from(Instant.now());
        List<Object[]> managers = new ArrayList<>();
        List<Object[]> managerIds = new ArrayList<>();
        for (int m = 0; m < MANAGERS; m++) {
            Worker w = TestWorkers.worker().employeeNumber(manager(m)).userName("manager" + m)
                .email("manager" + m + "@example.com").department("Management").title("Manager").build();
            managers.add(new Object[] {manager(m), "scim-m" + m, w.userName(), w.userName(), JsonColumns.write(w), 1L, ts, ts,
                w.email()});
            managerIds.add(new Object[] {manager(m), "ACTIVE", 1, ts, ts});
        }
        jdbc.batchUpdate("insert into hr_worker (employee_number, scim_id, user_name, user_name_key, record, version,"
            + " created_at, updated_at, email_key) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", managers);
        jdbc.batchUpdate("insert into identity (employee_number, state, epoch, created_at, updated_at) values (?, ?, ?, ?, ?)",
            managerIds);
        for (int from = 0; from < IDENTITIES; from += 1_000) {
            List<Object[]> workers = new ArrayList<>();
            List<Object[]> identities = new ArrayList<>();
            List<Object[]> accounts = new ArrayList<>();
            for (int i = from; i < Math.min(IDENTITIES, from + 1_000); i++) {
                String id = String.format(Locale.ROOT, "E%07d", i);
                String department = "Dept" + (i % 50);
                Worker w = TestWorkers.worker().employeeNumber(id).userName("user" + i).email("user" + i + "@example.com")
                    .department(department).title("Title" + (i % 30)).manager(manager(i / 100)).build();
                workers.add(new Object[] {id, "scim-" + i, w.userName(), w.userName(), JsonColumns.write(w), 1L, ts, ts,
                    w.email()});
                identities.add(new Object[] {id, "ACTIVE", 1, ts, ts});
                TreeSet<String> ents = new TreeSet<>();
                for (String x : List.of("a", "b", "c", "d", "e", "f", "g", "h", "i")) {
                    ents.add(x + "-" + department);
                }
                ents.add("all");
                accounts.add(new Object[] {"directory", id, true, JsonColumns.write(Map.of("userName", w.userName())),
                    JsonColumns.write(ents), ts});
                // the target holds the same, so that what a revocation plans finds its account
                var target = memory.connector("directory").orElseThrow();
                try {
                    target.create(id, Map.of("userName", w.userName()));
                    for (String e : ents) {
                        target.addEntitlement(id, e);
                    }
                } catch (org.roster.provisioning.ConnectorException e) {
                    throw new IllegalStateException(e);
                }
            }
            jdbc.batchUpdate("insert into hr_worker (employee_number, scim_id, user_name, user_name_key, record, version,"
                + " created_at, updated_at, email_key) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", workers);
            jdbc.batchUpdate("insert into identity (employee_number, state, epoch, created_at, updated_at)"
                + " values (?, ?, ?, ?, ?)", identities);
            jdbc.batchUpdate("insert into target_account (target, identity_key, enabled, attributes, entitlements, updated_at)"
                + " values (?, ?, ?, ?, ?, ?)", accounts);
        }
    }
}
