package org.roster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.roster.support.Api;
import org.roster.support.Databases;
import org.roster.support.RosterProcess;
import org.roster.support.ScimWorkers;
import org.roster.support.Slapd;
import tools.jackson.databind.JsonNode;

/**
 * A 2xx is a promise: an HR change Roster acknowledged survives a {@code kill -9} of Roster and
 * takes effect on the directory exactly once. Roster runs as its own JVM against a real OpenLDAP;
 * a burst of SCIM terminations is sent from several threads and the process is killed at a random
 * moment during it (the seed is printed), three times per run, each time restarted on the same store.
 */
class CrashDurabilityTests {

    private static final String TOKEN = "crash-test-token-0123456789";
    private static final int WORKERS_PER_ROUND = 40;
    private static final int ROUNDS = 3;
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    enum Store { H2, POSTGRESQL }

    @ParameterizedTest
    @EnumSource(Store.class)
    void terminationsAcknowledgedBeforeAKillTakeEffectOnceAfterRestart(Store store) throws Exception {
        long seed = System.nanoTime();
        System.out.println("CrashDurabilityTests " + store + " seed " + seed);
        Random random = new Random(seed);
        Slapd ldap = Slapd.shared();
        Path dir = RosterProcess.workDir("crash-" + store.name().toLowerCase(java.util.Locale.ROOT));
        Path config = dir.resolve("roster.yml");
        Files.writeString(config, config(store, dir, ldap));
        Map<String, String> env = Map.of("ROSTER_BOOTSTRAP_TOKEN", TOKEN, "LDAP_BIND_PASSWORD", Slapd.ADMIN_PASSWORD);
        int port = RosterProcess.freePort();
        String prefix = "K" + Long.toString(seed & 0xffffff, 36).toUpperCase(java.util.Locale.ROOT) + store.name().charAt(0);

        Map<String, String> ids = new ConcurrentHashMap<>();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<String> everyone = new ArrayList<>();
        RosterProcess roster = RosterProcess.start(config, port, env, "roster-0.log");
        try {
            Api api = new Api(roster.baseUrl(), TOKEN);
            for (int i = 0; i < WORKERS_PER_ROUND * ROUNDS; i++) {
                String en = prefix + i;
                Api.Response r = api.send("POST", "/scim/v2/Users", "application/scim+json",
                    ScimWorkers.user(en, "Crash"));
                assertThat(r.status()).as(r.body()).isEqualTo(201);
                ids.put(en, r.json().path("id").asString());
                everyone.add(en);
            }
            await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).until(() -> everyone.stream()
                .allMatch(en -> ldap.canSignIn(en)));

            for (int round = 0; round < ROUNDS; round++) {
                List<String> leavers = everyone.subList(round * WORKERS_PER_ROUND, (round + 1) * WORKERS_PER_ROUND);
                int killAfterMs = 150 + random.nextInt(550);
                int before = acknowledged.size();
                burstThenKill(roster, leavers, ids, acknowledged, killAfterMs);
                System.out.printf("round %d: killed %d ms into the burst, %d of %d terminations acknowledged%n", round,
                    killAfterMs, acknowledged.size() - before, leavers.size());
                roster = RosterProcess.start(config, port, env, "roster-" + (round + 1) + ".log");
            }

            Api after = new Api(roster.baseUrl(), TOKEN);
            // Every acknowledged termination is in HR, and its directory account is disabled.
            await().atMost(CONVERGE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                for (String en : acknowledged) {
                    assertThat(ldap.canSignIn(en)).as("directory account of acknowledged leaver " + en).isFalse();
                }
            });
            for (String en : acknowledged) {
                JsonNode user = after.get("/scim/v2/Users/" + ids.get(en)).json();
                assertThat(user.path("active").asBoolean(true)).as("HR record of acknowledged leaver " + en).isFalse();
            }
            // Nothing half-applied: for everyone, HR and the directory agree (an unanswered request either
            // happened whole or not at all).
            await().atMost(CONVERGE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                for (String en : everyone) {
                    boolean active = after.get("/scim/v2/Users/" + ids.get(en)).json().path("active").asBoolean();
                    assertThat(ldap.canSignIn(en)).as("directory agrees with HR for " + en).isEqualTo(active);
                }
            });
            // Exactly once: one HR event and one acknowledged disable per leaver, however often Roster was killed.
            for (String en : everyone) {
                List<JsonNode> audit = audit(after, en);
                long terminations = audit.stream().filter(a -> a.path("entry").path("kind").asString().equals("HR_EVENT")
                    && a.path("entry").path("detail").asString().startsWith("replace")).count();
                long disables = org.roster.support.Acknowledgements.acknowledgedIn(audit).stream()
                    .filter("DISABLE directory"::equals).count();
                boolean left = !ldap.canSignIn(en);
                assertThat(terminations).as("HR events of " + en).isEqualTo(left ? 1 : 0);
                assertThat(disables).as("acknowledged disables of " + en).isEqualTo(left ? 1 : 0);
            }
            assertThat(acknowledged).as("the bursts were answered before the kills").isNotEmpty();
            JsonNode verify = after.get("/api/v1/audit/verify").json();
            assertThat(verify.path("intact").asBoolean()).as(verify.toString()).isTrue();
        } finally {
            roster.close();
        }
    }

    /** Sends the round's terminations from six threads; kills Roster {@code killAfterMs} after the first. */
    private static void burstThenKill(RosterProcess roster, List<String> leavers, Map<String, String> ids,
                                      Set<String> acknowledged, int killAfterMs) throws InterruptedException {
        Api api = new Api(roster.baseUrl(), TOKEN);
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        for (int t = 0; t < 6; t++) {
            pool.execute(() -> {
                for (int i = next.getAndIncrement(); i < leavers.size(); i = next.getAndIncrement()) {
                    String en = leavers.get(i);
                    try {
                        Api.Response r = api.send("PATCH", "/scim/v2/Users/" + ids.get(en), "application/scim+json", """
                            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                             "Operations": [{"op": "replace", "path": "active", "value": false}]}""");
                        if (r.status() == 200) {
                            acknowledged.add(en);
                        }
                    } catch (IllegalStateException killed) {
                        return;
                    }
                }
            });
        }
        Thread.sleep(killAfterMs);
        roster.kill();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }


    private static List<JsonNode> audit(Api api, String identity) {
        List<JsonNode> all = new ArrayList<>();
        api.get("/api/v1/audit?size=500&identity=" + identity).json().path("items").forEach(all::add);
        return all;
    }


    private static String config(Store store, Path dir, Slapd ldap) {
        String url;
        String user;
        if (store == Store.H2) {
            url = "jdbc:h2:file:" + dir.resolve("store/roster")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;QUERY_CACHE_SIZE=256";
            user = "sa";
        } else {
            url = Databases.freshPostgresUrl();
            user = "postgres";
        }
        return ldap.rosterConfig("", url, user);
    }
}
