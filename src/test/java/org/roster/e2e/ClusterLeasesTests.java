package org.roster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.Databases;
import org.roster.support.RosterProcess;
import org.roster.support.ScimWorkers;
import org.roster.support.Slapd;

/**
 * Two Roster instances, separate JVMs, in cluster mode over one PostgreSQL, provisioning a real
 * OpenLDAP: one instance holds the directory's dispatch lease. A burst of terminations goes to both;
 * the holder is killed with {@code SIGKILL} in the middle of it (the seed is printed). The other
 * takes the lease when it runs out, and every termination either instance acknowledged takes effect
 * on the directory, each disable acknowledged once. Before the kill, a snapshot import is under way on
 * the instance to be killed: the same source sent to the other is refused 409 naming it; after the
 * kill, the other takes the source over once the dead instance's hold ran out, and the cut-short
 * import's record says it was interrupted.
 */
class ClusterLeasesTests {

    private static final String TOKEN = "cluster-test-token-0123456789";
    private static final int WORKERS = 80;
    private static final Duration CONVERGE = Duration.ofSeconds(60);
    private static final String DISPATCH = "roster-dispatch-directory";

    @Test
    void theSurvivorTakesTheLeasesOfAKilledInstanceAndEveryAcknowledgedTerminationLandsOnce() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ClusterLeasesTests seed " + seed);
        Random random = new Random(seed);
        Slapd ldap = Slapd.shared();
        String store = Databases.freshPostgresUrl();
        Path dir = RosterProcess.workDir("cluster");
        Map<String, String> env = Map.of("ROSTER_BOOTSTRAP_TOKEN", TOKEN, "LDAP_BIND_PASSWORD", Slapd.ADMIN_PASSWORD);
        Path configA = dir.resolve("a.yml");
        Path configB = dir.resolve("b.yml");
        Files.writeString(configA, config(store, ldap, "instance-a"));
        Files.writeString(configB, config(store, ldap, "instance-b"));
        RosterProcess a = RosterProcess.start(configA, RosterProcess.freePort(), env, "a.log");
        RosterProcess b = RosterProcess.start(configB, RosterProcess.freePort(), env, "b.log");
        try {
            Map<String, RosterProcess> byId = Map.of("instance-a", a, "instance-b", b);
            List<Api> apis = List.of(new Api(a.baseUrl(), TOKEN), new Api(b.baseUrl(), TOKEN));
            String prefix = "C" + Long.toString(seed & 0xffffff, 36).toUpperCase(java.util.Locale.ROOT);
            Map<String, String> ids = new ConcurrentHashMap<>();
            List<String> everyone = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                String en = prefix + i;
                Api.Response r = apis.get(i % 2).send("POST", "/scim/v2/Users", "application/scim+json",
                    ScimWorkers.user(en, "Cluster"));
                assertThat(r.status()).as(r.body()).isEqualTo(201);
                ids.put(en, r.json().path("id").asString());
                everyone.add(en);
            }
            await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200))
                .until(() -> everyone.stream().allMatch(en -> ldap.canSignIn(en)));
            // A third instance on the same store without cluster mode (a replica left with the defaults)
            // would run every loop itself: it refuses to start, naming the cluster's instances.
            Path alone = dir.resolve("alone.yml");
            Files.writeString(alone, ldap.rosterConfig("", store, "postgres"));
            assertThatThrownBy(() -> RosterProcess.start(alone, RosterProcess.freePort(), env, "alone.log"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Roster exited");
            assertThat(Files.readString(dir.resolve("alone.log")))
                .contains("Roster did not start: roster.cluster.enabled: another Roster instance uses this database (client ")
                .contains("in cluster mode").doesNotContain("Caused by:");

            // The loops are shared out: each instance holds some, neither more than half rounded up.
            await().atMost(CONVERGE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                long total = Long.parseLong(Databases.queryOne(store, "select count(*) from lease where name not like 'member:%'"));
                long first = held(store, "instance-a");
                long second = held(store, "instance-b");
                assertThat(first + second).as("every loop's lease is held").isEqualTo(total);
                assertThat(Math.max(first, second)).as("a: " + first + ", b: " + second).isLessThanOrEqualTo((total + 1) / 2);
            });
            String holder = holder(store, DISPATCH);
            assertThat(holder).as("one instance dispatches to the directory").isIn("instance-a", "instance-b");
            RosterProcess victim = byId.get(holder);
            RosterProcess survivor = victim == a ? b : a;

            // A termination taken by the instance that does not dispatch wakes the one that does at once
            // (LISTEN/NOTIFY), rather than at its next look two seconds later.
            Api other = new Api(survivor.baseUrl(), TOKEN);
            List<Long> millis = new ArrayList<>();
            for (String en : everyone.subList(0, 10)) {
                long sent = System.nanoTime();
                Api.Response r = other.send("PATCH", "/scim/v2/Users/" + ids.get(en), "application/scim+json", """
                    {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                     "Operations": [{"op": "replace", "path": "active", "value": false}]}""");
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                await().atMost(CONVERGE).pollInterval(Duration.ofMillis(5)).until(() -> !ldap.canSignIn(en));
                millis.add((System.nanoTime() - sent) / 1_000_000);
            }
            millis.sort(null);
            System.out.println("terminations through the other instance, ms to the directory: " + millis);
            assertThat(millis.get(millis.size() / 2)).as("median ms, " + millis).isLessThan(400);

            // A snapshot import runs on the instance about to be killed: the same source sent to the other
            // meanwhile is refused, naming the importing instance.
            String file = "employeeNumber,userName\n" + prefix + "S1," + prefix.toLowerCase(java.util.Locale.ROOT) + "s1\n";
            org.roster.support.SlowUpload importing = org.roster.support.SlowUpload.start(victim.baseUrl(), TOKEN, "export",
                "employeeNumber,userName\n", file.substring("employeeNumber,userName\n".length()));
            await().atMost(CONVERGE).pollInterval(Duration.ofMillis(50)).until(() ->
                !Databases.queryOne(store, "select run_id from exclusive_run where name = 'snapshot:export'").isEmpty());
            String killedImport = Databases.queryOne(store, "select run_id from exclusive_run where name = 'snapshot:export'");
            Api.Response refused = other.send("POST", "/api/v1/hr/snapshots?source=export", "text/csv", file);
            assertThat(refused.status()).as(refused.body()).isEqualTo(409);
            assertThat(refused.json().path("detail").asString()).contains("snapshot " + killedImport)
                .contains("on " + holder + ", last seen").contains("should " + holder + " have stopped");

            // terminations to both instances from six threads; the dispatching instance is killed in the middle
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(6);
            for (int t = 0; t < 6; t++) {
                pool.execute(() -> {
                    for (int i = next.getAndIncrement(); i < everyone.size(); i = next.getAndIncrement()) {
                        String en = everyone.get(i);
                        try {
                            Api.Response r = apis.get(i % 2).send("PATCH", "/scim/v2/Users/" + ids.get(en),
                                "application/scim+json", """
                                {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                 "Operations": [{"op": "replace", "path": "active", "value": false}]}""");
                            if (r.status() == 200) {
                                acknowledged.add(en);
                            }
                        } catch (IllegalStateException killed) {
                            // the request went to the killed instance: not acknowledged, may or may not have happened
                        }
                    }
                });
            }
            int killAfterMs = 100 + random.nextInt(400);
            Thread.sleep(killAfterMs);
            victim.kill();
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            System.out.printf("killed %s %d ms into the burst; %d of %d terminations acknowledged%n", holder, killAfterMs,
                acknowledged.size(), everyone.size());

            Api after = new Api(survivor.baseUrl(), TOKEN);
            await().atMost(CONVERGE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                for (String en : acknowledged) {
                    assertThat(ldap.canSignIn(en)).as("directory account of acknowledged leaver " + en).isFalse();
                }
            });
            assertThat(holder(store, DISPATCH)).as("the survivor took the dispatch lease")
                .isEqualTo(holder.equals("instance-a") ? "instance-b" : "instance-a");
            // Nothing half-applied, nothing twice: HR and the directory agree for everyone, and each leaver's
            // disable was acknowledged once, whichever instance sent it.
            await().atMost(CONVERGE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                for (String en : everyone) {
                    boolean active = after.get("/scim/v2/Users/" + ids.get(en)).json().path("active").asBoolean();
                    assertThat(ldap.canSignIn(en)).as("directory agrees with HR for " + en).isEqualTo(active);
                }
            });
            for (String en : everyone) {
                long disables = org.roster.support.Acknowledgements.acknowledgedIn(
                        after.get("/api/v1/audit?size=500&identity=" + en).json().path("items"))
                    .stream().filter("DISABLE directory"::equals).count();
                assertThat(disables).as("acknowledged disables of " + en).isEqualTo(ldap.canSignIn(en) ? 0 : 1);
            }
            assertThat(acknowledged).as("the burst was answered").isNotEmpty();

            // the killed instance's import is taken over once its hold ran out, and its record says so
            importing.close();
            Api.Response[] retaken = new Api.Response[1];
            await().atMost(CONVERGE).pollInterval(Duration.ofMillis(500)).until(() ->
                (retaken[0] = after.send("POST", "/api/v1/hr/snapshots?source=export", "text/csv", file)).status() != 409);
            assertThat(retaken[0].status()).as(retaken[0].body()).isEqualTo(200);
            assertThat(retaken[0].json().path("created").asLong()).isEqualTo(1);
            assertThat(Databases.queryOne(store, "select summary from hr_snapshot where id = '" + killedImport + "'"))
                .startsWith("interrupted: " + holder + " stopped while importing it");
            assertThat(after.get("/api/v1/audit/verify").json().path("intact").asBoolean()).isTrue();
        } finally {
            a.close();
            b.close();
        }
    }

    private static long held(String url, String instance) {
        return Long.parseLong(Databases.queryOne(url, "select count(*) from lease where name not like 'member:%'"
            + " and holder = '" + instance + "' and expires_at > now()"));
    }

    private static String holder(String url, String lease) {
        return Databases.queryOne(url, "select holder from lease where name = '" + lease + "'");
    }



    private static String config(String url, Slapd ldap, String instance) {
        return ldap.rosterConfig("""
              cluster:
                enabled: true
                instance-id: %s
                lease-ttl: 3s
              hr:
                sources:
                  - name: export
                    type: snapshot
            """.formatted(instance), url, "postgres");
    }
}
