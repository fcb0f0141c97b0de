package org.roster.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roster.hr.Worker;
import org.roster.store.JsonColumns;
import org.roster.support.Databases;
import org.roster.support.TestWorkers;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * AuthZEN decisions from live state: {@code bench.identities} (10 000) people, every tenth of them
 * terminated, and a policy of two rules (an account for everyone, a group per department). Four
 * clients ask, each for a random person's access to the target: single evaluations, then batches of
 * 100 (one person, 100 entitlements and targets). Reported: decisions per second and the latency
 * percentiles of a request. Run with {@code mvn -B test -Pbenchmark -Dtest=AuthzenBenchmark}.
 */
@Tag("benchmark")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + AuthzenBenchmark.TOKEN,
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.policy.rules[0].name=account",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.policy.rules[0].grants[0].entitlement=staff",
    "roster.policy.rules[1].name=department",
    "roster.policy.rules[1].when=true",
    "roster.policy.rules[1].grants[0].target=directory",
    "roster.policy.rules[1].grants[0].expression='dept-' + worker.department.lowerAscii()",
    "roster.api.tokens[0].name=gateway", "roster.api.tokens[0].roles=pep",
    "roster.api.tokens[0].token=" + AuthzenBenchmark.PEP,
    "roster.nhi.discover-every=0"})
class AuthzenBenchmark {

    static final String TOKEN = "authzen-bench-token-0123456789";
    static final String PEP = "authzen-bench-pep-token-0123456789";
    private static final int IDENTITIES = Integer.getInteger("bench.identities", 10_000);
    private static final int CLIENTS = 4;
    private static String store = "";

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry r) {
        store = Databases.benchmarkStore(r, "bench-authzen");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void decisionsPerSecond() throws Exception {
        fill();
        run("single", 20_000, i -> "{\"subject\": {\"type\": \"user\", \"id\": \"" + id(i) + "\"}, \"action\": {\"name\":"
            + " \"access\"}, \"resource\": {\"type\": \"target\", \"id\": \"directory\"}}", "/access/v1/evaluation", 1);
        run("batch of 100", 1_000, i -> {
            StringBuilder b = new StringBuilder("{\"subject\": {\"type\": \"user\", \"id\": \"" + id(i) + "\"}, \"action\":"
                + " {\"name\": \"access\"}, \"evaluations\": [");
            for (int k = 0; k < 100; k++) {
                b.append(k == 0 ? "" : ", ").append(k % 2 == 0 ? "{\"resource\": {\"type\": \"target\", \"id\": \"directory\"}}"
                    : "{\"resource\": {\"type\": \"entitlement\", \"id\": \"directory:dept-d" + (k % 50) + "\"}}");
            }
            return b.append("]}").toString();
        }, "/access/v1/evaluations", 100);
    }

    private void run(String what, int requests, java.util.function.IntFunction<String> body, String path, int perRequest)
        throws Exception {
        java.util.Random random = new java.util.Random(42);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < requests + 200; i++) {
            bodies.add(body.apply(random.nextInt(IDENTITIES)));
        }
        for (int i = 0; i < 200; i++) {
            send(path, bodies.get(i)); // warm up
        }
        List<Double> ms = Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        long t0 = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            done.add(clients.submit(() -> {
                for (int i = 200 + client; i < requests + 200; i += CLIENTS) {
                    long s = System.nanoTime();
                    send(path, bodies.get(i));
                    ms.add((System.nanoTime() - s) / 1e6);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        clients.shutdown();
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        System.out.printf(Locale.ROOT, "[authzen] %s: %,d requests (%,d decisions) in %.1f s with %d clients: %,.0f requests/s,"
                + " %,.0f decisions/s; latency p50 %.2f ms, p99 %.2f ms, max %.1f ms%n", what, requests,
            (long) requests * perRequest, seconds, CLIENTS, requests / seconds, requests * perRequest / seconds,
            sorted.get(sorted.size() / 2), sorted.get((int) (sorted.size() * 0.99)), sorted.get(sorted.size() - 1));
    }

    private void send(String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + PEP).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static String id(int i) {
        return String.format(Locale.ROOT, "E%07d", i);
    }

    private void fill() {
        Timestamp ts = Timestamp.from(Instant.now());
        for (int from = 0; from < IDENTITIES; from += 1_000) {
            List<Object[]> workers = new ArrayList<>();
            List<Object[]> identities = new ArrayList<>();
            for (int i = from; i < Math.min(IDENTITIES, from + 1_000); i++) {
                Worker w = TestWorkers.worker().employeeNumber(id(i)).userName("user" + i).email("user" + i + "@example.com")
                    .department("D" + (i % 50)).title("Title" + (i % 30)).build();
                workers.add(new Object[] {id(i), "scim-" + i, w.userName(), w.userName(), JsonColumns.write(w), 1L, ts, ts,
                    w.email()});
                identities.add(new Object[] {id(i), i % 10 == 0 ? "TERMINATED" : "ACTIVE", 1, ts, ts});
            }
            jdbc.batchUpdate("insert into hr_worker (employee_number, scim_id, user_name, user_name_key, record, version,"
                + " created_at, updated_at, email_key) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", workers);
            jdbc.batchUpdate("insert into identity (employee_number, state, epoch, created_at, updated_at)"
                + " values (?, ?, ?, ?, ?)", identities);
        }
    }
}
