package org.roster.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
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
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Console pages at scale: {@code bench.identities} identities with their HR records (default
 * 100 000) and {@code bench.records} audit records in one hash chain (default 1 000 000), then each
 * page requested 100 times in a row (after 20 to warm up), and its p50 and p95 reported. Run with
 * {@code mvn -B test -Pbenchmark -Dtest=ConsoleBenchmark} (add {@code -Dbench.store=postgresql}).
 */
@Tag("benchmark")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + ConsoleBenchmark.TOKEN,
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory"})
class ConsoleBenchmark {

    static final String TOKEN = "console-bench-token-0123456789";
    private static final int IDENTITIES = Integer.getInteger("bench.identities", 100_000);
    private static final int RECORDS = Integer.getInteger("bench.records", 1_000_000);
    private static String store = "";

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry r) {
        store = Databases.benchmarkStore(r, "bench-console");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AuditLog audit;
    @Autowired
    TransactionTemplate tx;

    @Test
    void pagesAtScale() {
        long t0 = System.nanoTime();
        fill();
        System.out.printf(Locale.ROOT, "%n[console] %s: %,d identities and %,d audit records stored in %.0f s%n", store,
            IDENTITIES, RECORDS, (System.nanoTime() - t0) / 1e9);

        Api api = new Api("http://127.0.0.1:" + port, TOKEN);
        List<String> pages = List.of("/", "/people?q=E0012345", "/people?q=Research", "/people?q=given12345",
            "/people?q=nobody-has-this", "/people?state=ACTIVE",
            "/people/E0012345", "/evidence/audit", "/evidence/audit?kind=OPERATION_ACKED&identity=E0001234",
            "/targets", "/work", "/admin");
        System.out.printf(Locale.ROOT, "[console] %-58s %8s %8s %8s%n", "page", "p50 ms", "p95 ms", "bytes");
        for (String page : pages) {
            for (int i = 0; i < 20; i++) {
                assertThat(api.get(page).status()).as(page).isEqualTo(200);
            }
            List<Double> ms = new ArrayList<>();
            int bytes = 0;
            for (int i = 0; i < 100; i++) {
                long s = System.nanoTime();
                Api.Response r = api.get(page);
                ms.add((System.nanoTime() - s) / 1e6);
                bytes = r.body().length();
            }
            ms.sort(Double::compare);
            System.out.printf(Locale.ROOT, "[console] %-58s %8.1f %8.1f %8d%n", page, ms.get(49), ms.get(94), bytes);
        }
        walk(api, "/api/v1/identities?size=500");
        walk(api, "/api/v1/identities?state=ACTIVE&size=500");
    }

    /** Every page of a REST list, each from the last one's {@code next}, as a client copying it all does. */
    private static void walk(Api api, String list) {
        long started = System.nanoTime();
        List<Double> ms = new ArrayList<>();
        int items = 0;
        String next = null;
        do {
            long s = System.nanoTime();
            Api.Response r = api.get(list + (next == null ? "" : "&cursor=" + next));
            ms.add((System.nanoTime() - s) / 1e6);
            assertThat(r.status()).as(list + " " + next).isEqualTo(200);
            items += r.json().path("items").size();
            next = r.json().path("next").isNull() ? null : r.json().path("next").asString();
        } while (next != null);
        System.out.printf(Locale.ROOT, "[console] walk %s: %,d items in %d pages, %.1f s; first page %.1f ms, last %.1f ms%n",
            list, items, ms.size(), (System.nanoTime() - started) / 1e9, ms.get(0), ms.get(ms.size() - 1));
    }

    private void fill() {
        Instant now = Instant.now();
        Timestamp ts = Timestamp.from(now);
        for (int from = 0; from < IDENTITIES; from += 1_000) {
            List<Object[]> workers = new ArrayList<>();
            List<Object[]> identities = new ArrayList<>();
            List<Object[]> search = new ArrayList<>();
            for (int i = from; i < Math.min(IDENTITIES, from + 1_000); i++) {
                String id = String.format(Locale.ROOT, "E%07d", i);
                Worker w = TestWorkers.worker().employeeNumber(id).userName("user" + i).email("user" + i + "@example.com")
                    .givenName("Given" + i).department(i % 7 == 0 ? "Research" : "Dept" + (i % 50)).title("Title" + (i % 30))
                    .build();
                workers.add(new Object[] {id, "scim-" + i, w.userName(), w.userName(), JsonColumns.write(w), 1L, ts, ts,
                    w.email()});
                search.add(new Object[] {id, org.roster.hr.internal.WorkerRepository.searchKey(w)});
                String state = i % 50 == 0 ? "TERMINATED" : i % 97 == 0 ? "ON_LEAVE" : "ACTIVE";
                identities.add(new Object[] {id, state, 1, ts, ts});
            }
            jdbc.batchUpdate("insert into hr_worker (employee_number, scim_id, user_name, user_name_key, record, version,"
                + " created_at, updated_at, email_key) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", workers);
            jdbc.batchUpdate("insert into hr_worker_search (employee_number, search_key) values (?, ?)", search);
            jdbc.batchUpdate("insert into identity (employee_number, state, epoch, created_at, updated_at)"
                + " values (?, ?, ?, ?, ?)", identities);
        }
        for (int done = 0; done < RECORDS; done += 1_000) {
            int from = done;
            tx.executeWithoutResult(s -> {
                List<AuditEntry> batch = new ArrayList<>(1_000);
                for (int i = from; i < Math.min(RECORDS, from + 1_000); i++) {
                    batch.add(new AuditEntry(String.format(Locale.ROOT, "E%07d", i % IDENTITIES),
                        i % 3 == 0 ? "PLANNED" : "OPERATION_ACKED", AuditEntry.Stage.EXECUTION, "roster", "directory",
                        "ADD_ENTITLEMENT directory dept-" + (i % 50) + " acknowledged", "evt-" + (i / 3)));
                }
                audit.appendAll(batch);
            });
        }
    }
}
