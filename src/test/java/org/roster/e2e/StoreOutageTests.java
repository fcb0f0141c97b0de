package org.roster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.roster.support.Api;
import org.roster.support.MostlyWaits;
import org.roster.support.RosterProcess;
import org.roster.support.ScimWorkers;
import org.roster.support.Slapd;
import tools.jackson.databind.JsonNode;

/**
 * An outage drill: Roster's PostgreSQL stops at once (an immediate shutdown, as a crash or a
 * failover does) while Roster runs, and comes back on the same data after longer than a lease lives.
 * While it is down a request is answered 503 with {@code Retry-After} in its path's error format,
 * within the pool's connection timeout, never a bare 500; once it is back, without restarting
 * Roster, the HR system's resent terminations are taken, every leaver's directory account is
 * disabled exactly once, a joiner is provisioned (the background loops came back by themselves), and
 * the audit chain is whole. Run with one instance, and with two in cluster mode (leases in the store,
 * every one of them run out during the outage), the HR system's requests spread over both.
 */
@MostlyWaits
class StoreOutageTests {

    private static final String TOKEN = "outage-test-token-0123456789";
    private static final Duration OUTAGE_AT_LEAST = Duration.ofSeconds(4); // longer than the cluster's lease-ttl

    @ParameterizedTest(name = "instances: {0}")
    @ValueSource(ints = {1, 2})
    void whileTheStoreIsDownRequestsAreAnswered503AndOnceItIsBackNothingIsLostOrDoneTwice(int instances) throws Exception {
        Slapd ldap = Slapd.shared();
        Path dir = RosterProcess.workDir("outage-" + instances);
        Path data = dir.resolve("pgdata");
        int pgPort = RosterProcess.freePort();
        EmbeddedPostgres pg = start(data, pgPort);
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database roster");
        }
        String url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/roster";
        List<RosterProcess> rosters = new ArrayList<>();
        try {
            rosters.addAll(startRosters(ldap, dir, instances, url, "outage", Map.of("ROSTER_BOOTSTRAP_TOKEN", TOKEN)));
            List<Api> apis = rosters.stream().map(r -> new Api(r.baseUrl(), TOKEN)).toList();
            Api api = apis.get(0);
            Map<String, String> ids = new LinkedHashMap<>();
            String prefix = "O" + instances + Long.toString(System.nanoTime() & 0xffffff, 36).toUpperCase(java.util.Locale.ROOT);
            for (int i = 0; i < 4; i++) {
                Api.Response r = apis.get(i % instances).send("POST", "/scim/v2/Users", "application/scim+json",
                    ScimWorkers.user(prefix + i, "Outage"));
                assertThat(r.status()).as(r.body()).isEqualTo(201);
                ids.put(prefix + i, r.json().path("id").asString());
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> ids.keySet().stream().allMatch(ldap::canSignIn));

            long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
            assertThat(new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).start().waitFor()).isZero();
            await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
            long down = System.nanoTime();
            pg.close(); // lets go of the data directory; the server is already gone

            // The HR system sends a termination, an operator reads the API, a probe asks for health: all at once.
            String first = prefix + 0;
            long sent = System.nanoTime();
            Api last = apis.get(instances - 1);
            var scim = CompletableFuture.supplyAsync(() -> last.send("PATCH", "/scim/v2/Users/" + ids.get(first),
                "application/scim+json", ScimWorkers.TERMINATE));
            var rest = CompletableFuture.supplyAsync(() -> api.get("/api/v1/identities/" + first));
            var health = CompletableFuture.supplyAsync(() -> new Api(rosters.get(0).baseUrl(), null).get("/actuator/health"));
            Api.Response scimAnswer = scim.get();
            long tookMillis = (System.nanoTime() - sent) / 1_000_000;
            assertThat(scimAnswer.status()).as(scimAnswer.body()).isEqualTo(503);
            assertThat(scimAnswer.contentType()).startsWith("application/scim+json");
            JsonNode error = scimAnswer.json();
            assertThat(error.path("schemas").get(0).asString()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
            assertThat(error.path("status").asString()).isEqualTo("503");
            assertThat(error.path("detail").asString()).contains("store cannot be reached");
            assertThat(scimAnswer.header("Retry-After")).isEqualTo("5");
            assertThat(tookMillis).as("answered within the pool's connection timeout (10 s), not Hikari's 30 s")
                .isLessThan(20_000);
            Api.Response restAnswer = rest.get();
            assertThat(restAnswer.status()).as(restAnswer.body()).isEqualTo(503);
            assertThat(restAnswer.contentType()).startsWith("application/problem+json");
            assertThat(restAnswer.header("Retry-After")).isEqualTo("5");
            assertThat(health.get().status()).isEqualTo(503);
            long outMillis = (System.nanoTime() - down) / 1_000_000;
            if (outMillis < OUTAGE_AT_LEAST.toMillis()) {
                Thread.sleep(OUTAGE_AT_LEAST.toMillis() - outMillis);
            }

            pg = start(data, pgPort);
            // The HR system sends its terminations (the refused one again) until they are taken, to either instance.
            List<String> leavers = new ArrayList<>(ids.keySet()).subList(0, 3);
            for (int i = 0; i < leavers.size(); i++) {
                String en = leavers.get(i);
                Api to = apis.get(i % instances);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                    to.send("PATCH", "/scim/v2/Users/" + ids.get(en), "application/scim+json", ScimWorkers.TERMINATE).status() == 200);
            }
            String joiner = prefix + "J";
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                last.send("POST", "/scim/v2/Users", "application/scim+json", ScimWorkers.user(joiner, "Outage")).status() == 201);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                leavers.stream().noneMatch(ldap::canSignIn) && ldap.canSignIn(joiner));
            assertThat(ldap.canSignIn(prefix + 3)).as("the worker nobody terminated").isTrue();

            for (String en : leavers) {
                List<JsonNode> audit = new ArrayList<>();
                api.get("/api/v1/audit?size=500&identity=" + en).json().path("items").forEach(audit::add);
                long terminations = audit.stream().filter(a -> a.path("entry").path("kind").asString().equals("HR_EVENT")
                    && a.path("entry").path("detail").asString().startsWith("replace")).count();
                long disables = org.roster.support.Acknowledgements.acknowledgedIn(audit).stream()
                    .filter("DISABLE directory"::equals).count();
                assertThat(terminations).as("HR events of " + en).isEqualTo(1);
                assertThat(disables).as("acknowledged disables of " + en).isEqualTo(1);
            }
            JsonNode verify = api.get("/api/v1/audit/verify").json();
            assertThat(verify.path("intact").asBoolean()).as(verify.toString()).isTrue();
            for (RosterProcess roster : rosters) {
                // one line per outage and place, not a stack per request, probe or renewal
                String log = Files.readString(roster.log());
                assertThat(log).doesNotContain("threw exception").doesNotContain("DataSource health check failed")
                    .doesNotContain("could not be renewed");
                if (instances > 1) {
                    assertThat(log).contains("not renewed: the store cannot be reached").contains("renewed again");
                }
            }
            assertThat(Files.readString(rosters.get(instances - 1).log())).contains("the store cannot be reached");
        } finally {
            rosters.forEach(RosterProcess::close);
            pg.close();
        }
    }

    /**
     * Roster as {@code instances} JVMs of their own on the store at {@code url}, provisioning the
     * shared OpenLDAP; with more than one, in cluster mode with leases of 3 s.
     */
    static List<RosterProcess> startRosters(Slapd ldap, Path dir, int instances, String url, String name,
                                            Map<String, String> env) throws java.io.IOException {
        List<RosterProcess> rosters = new ArrayList<>();
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("LDAP_BIND_PASSWORD", Slapd.ADMIN_PASSWORD);
        for (int i = 0; i < instances; i++) {
            Path config = dir.resolve("roster-" + i + ".yml");
            Files.writeString(config, ldap.rosterConfig(instances == 1 ? "" : """
                  cluster:
                    enabled: true
                    instance-id: %s-%d
                    lease-ttl: 3s
                """.formatted(name, i), url, "postgres"));
            rosters.add(RosterProcess.start(config, RosterProcess.freePort(), all, "roster-" + i + ".log"));
        }
        return rosters;
    }

    static EmbeddedPostgres start(Path data, int port) throws Exception {
        return EmbeddedPostgres.builder().setOverrideWorkingDirectory(new File("target/epg"))
            .setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    }
}
