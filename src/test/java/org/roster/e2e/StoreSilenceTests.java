package org.roster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.roster.support.Api;
import org.roster.support.MostlyWaits;
import org.roster.support.RosterProcess;
import org.roster.support.ScimWorkers;
import org.roster.support.Slapd;
import org.roster.support.TcpProxy;
import tools.jackson.databind.JsonNode;

/**
 * A failover drill: the network between Roster and its PostgreSQL goes silent in the middle of a
 * burst of joiners (nothing answers and nothing is closed, as when the server's host is gone). Then
 * either the store comes back at the same address with the sessions of the old one gone, as a
 * promoted standby would, or the partition heals and those sessions live on at the server, whatever
 * locks they held with them (the audit chain's head among them). Statements in flight never get an
 * answer: before {@code roster.store.socket-timeout} a request or a loop waiting for one waited for
 * good, and a loop stuck so dispatched nothing again. Now every request in flight is answered (its
 * statement given up after the socket timeout, 503 with {@code Retry-After}), the server ends the
 * sessions left idle in a transaction after the same time, the HR system's resent joiners are taken,
 * every joiner is provisioned, a leaver after it is disabled, each worker has one HR event, and the
 * audit chain verifies. Run with one instance, and with two in cluster mode, where the wake-up
 * listener's connection, silent for good, is found out and opened again.
 */
@MostlyWaits
class StoreSilenceTests {

    private static final String TOKEN = "silence-test-token-0123456789";
    private static final int SOCKET_TIMEOUT_MS = 3_000;
    private static final int JOINERS = 60;

    @ParameterizedTest(name = "instances: {0}, then {1}")
    @CsvSource({"1, failover", "2, failover", "1, partition heals"})
    void whenTheStoreGoesSilentMidStatementEveryRequestIsAnsweredAndTheLoopsCarryOnAfterwards(int instances, String after)
        throws Exception {
        Slapd ldap = Slapd.shared();
        Path dir = RosterProcess.workDir("silence-" + instances + after.charAt(0));
        int pgPort = RosterProcess.freePort();
        EmbeddedPostgres pg = StoreOutageTests.start(dir.resolve("pgdata"), pgPort);
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database roster");
        }
        TcpProxy network = TcpProxy.to(pgPort);
        String url = "jdbc:postgresql://127.0.0.1:" + network.port() + "/roster";
        List<RosterProcess> rosters = new ArrayList<>();
        ExecutorService hr = Executors.newFixedThreadPool(6);
        try {
            rosters.addAll(StoreOutageTests.startRosters(ldap, dir, instances, url, "silence", Map.of("ROSTER_BOOTSTRAP_TOKEN",
                TOKEN, "ROSTER_STORE_SOCKET_TIMEOUT", Integer.toString(SOCKET_TIMEOUT_MS))));
            List<Api> apis = rosters.stream().map(r -> new Api(r.baseUrl(), TOKEN)).toList();
            String prefix = "S" + instances + Long.toString(System.nanoTime() & 0xffffff, 36).toUpperCase(java.util.Locale.ROOT);
            String leaver = prefix + "L";
            Api.Response created = apis.get(0).send("POST", "/scim/v2/Users", "application/scim+json",
                ScimWorkers.user(leaver, "Silence"));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String leaverId = created.json().path("id").asString();
            await().atMost(Duration.ofSeconds(60)).until(() -> ldap.canSignIn(leaver));

            // A burst of joiners from the HR system; the network goes silent a few answers in.
            Map<String, Integer> answered = new ConcurrentHashMap<>();
            AtomicInteger done = new AtomicInteger();
            Map<String, CompletableFuture<Api.Response>> burst = new LinkedHashMap<>();
            for (int i = 0; i < JOINERS; i++) {
                String en = prefix + i;
                Api to = apis.get(i % instances);
                burst.put(en, CompletableFuture.supplyAsync(() -> {
                    Api.Response r = to.send("POST", "/scim/v2/Users", "application/scim+json", ScimWorkers.user(en, "Silence"));
                    answered.put(en, r.status());
                    done.incrementAndGet();
                    return r;
                }, hr));
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> done.get() >= 10);
            network.silence();
            long silenced = System.nanoTime();
            Thread.sleep(2_000);
            if (after.equals("failover")) {
                network.failover(); // the store is back; every connection open before is silent for good
            } else {
                network.heal(); // the same, and the sessions of those connections live on at the server, locks and all
            }

            // Every request in flight is answered: its statement given up after the socket timeout, or
            // its wait for a connection after the connection timeout (10 s), and then what was queued.
            long bound = SOCKET_TIMEOUT_MS + 10_000 + 15_000;
            for (var e : burst.entrySet()) {
                long left = Math.max(1, bound - (System.nanoTime() - silenced) / 1_000_000);
                Api.Response r = e.getValue().get(left, TimeUnit.MILLISECONDS);
                assertThat(r.status()).as(e.getKey() + ": " + r.body()).isIn(201, 503);
                if (r.status() == 503) {
                    assertThat(r.header("Retry-After")).isEqualTo("5");
                }
            }
            // The HR system sends again what was not acknowledged: taken once (or found already taken).
            for (var e : answered.entrySet()) {
                if (e.getValue() != 201) {
                    String en = e.getKey();
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
                        int status = apis.get(0).send("POST", "/scim/v2/Users", "application/scim+json",
                            ScimWorkers.user(en, "Silence")).status();
                        return status == 201 || status == 409;
                    });
                }
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> burst.keySet().stream().allMatch(ldap::canSignIn));
            Api last = apis.get(instances - 1);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                last.send("PATCH", "/scim/v2/Users/" + leaverId, "application/scim+json", ScimWorkers.TERMINATE).status() == 200);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> !ldap.canSignIn(leaver));

            Api api = apis.get(0);
            for (String en : burst.keySet()) {
                List<JsonNode> audit = new ArrayList<>();
                api.get("/api/v1/audit?size=500&identity=" + en).json().path("items").forEach(audit::add);
                assertThat(audit.stream().filter(a -> a.path("entry").path("kind").asString().equals("HR_EVENT")).count())
                    .as("HR events of " + en).isEqualTo(1);
            }
            JsonNode verify = api.get("/api/v1/audit/verify").json();
            assertThat(verify.path("intact").asBoolean()).as(verify.toString()).isTrue();
            for (RosterProcess roster : rosters) {
                // a statement left without answer is an outage like any other: no stack, no 500, and no
                // failed rollback reported in place of it
                assertThat(read(roster.log())).doesNotContain("threw exception").doesNotContain("overridden by rollback exception")
                    .doesNotContain("pass failed");
            }
            if (instances > 1) {
                // the listener's connection is silent for good: found out within its check (every 10 s) and opened again
                await().atMost(Duration.ofSeconds(30)).until(() -> rosters.stream().allMatch(r ->
                    read(r.log()).contains("wake-up listener: listening again")));
            }
        } finally {
            hr.shutdownNow();
            rosters.forEach(RosterProcess::close);
            network.close();
            pg.close();
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
