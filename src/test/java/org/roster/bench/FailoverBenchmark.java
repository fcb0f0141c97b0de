package org.roster.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.Databases;
import org.roster.support.RosterProcess;
import org.roster.support.ScimWorkers;
import org.roster.support.Slapd;

/**
 * How long a leaver keeps directory access when the instance dispatching to the directory is killed:
 * two Roster instances in their own JVMs, cluster mode without Kafka over one PostgreSQL, a real
 * OpenLDAP, the lease time to live at its default (30 s) unless {@code bench.failover.lease-ttl} says
 * otherwise. The instance holding the directory's dispatch lease is killed with {@code SIGKILL};
 * at once a termination goes to the survivor, timed until the account is locked in OpenLDAP. Run with
 * {@code mvn -B test -Pbenchmark -Dtest=FailoverBenchmark} (about two minutes for three kills).
 */
@Tag("benchmark")
class FailoverBenchmark {

    private static final String TOKEN = "failover-bench-token-0123456789";
    private static final String DISPATCH = "roster-dispatch-directory";
    private static final int KILLS = Integer.getInteger("bench.failover.kills", 3);
    private static final String TTL = System.getProperty("bench.failover.lease-ttl", "30s");

    @Test
    void aLeaverAfterTheDispatchingInstanceIsKilled() throws Exception {
        Slapd ldap = Slapd.shared();
        List<Double> seconds = new ArrayList<>();
        for (int k = 0; k < KILLS; k++) {
            seconds.add(once(ldap, k));
        }
        String report = String.format(Locale.ROOT, """
            failover: the directory's dispatching instance killed, a leaver sent to the survivor at once
            date %s, 2 instances in cluster mode without Kafka, PostgreSQL 17, OpenLDAP, lease-ttl %s, %d cores
              leaver locked in OpenLDAP after: %s s
            """, Instant.now(), TTL, Runtime.getRuntime().availableProcessors(),
            seconds.stream().map(s -> String.format(Locale.ROOT, "%.1f", s)).toList());
        System.out.println(report);
        Files.createDirectories(Path.of("target/benchmarks"));
        Files.writeString(Path.of("target/benchmarks/failover.txt"), report);
    }

    private static double once(Slapd ldap, int round) throws Exception {
        String store = Databases.freshPostgresUrl();
        Path dir = RosterProcess.workDir("failover-" + round);
        Map<String, String> env = Map.of("ROSTER_BOOTSTRAP_TOKEN", TOKEN, "LDAP_BIND_PASSWORD", Slapd.ADMIN_PASSWORD);
        List<RosterProcess> instances = new ArrayList<>();
        try {
            for (String id : List.of("a", "b")) {
                Path config = dir.resolve(id + ".yml");
                Files.writeString(config, ldap.rosterConfig("""
                      cluster:
                        enabled: true
                        instance-id: %s
                        lease-ttl: %s
                    """.formatted("failover-" + id, TTL), store, "postgres"));
                instances.add(RosterProcess.start(config, RosterProcess.freePort(), env, id + ".log"));
            }
            String en = "FO" + round + Long.toString(System.nanoTime() & 0xffffff, 36).toUpperCase(Locale.ROOT);
            Api first = new Api(instances.get(0).baseUrl(), TOKEN);
            Api.Response created = first.send("POST", "/scim/v2/Users", "application/scim+json", ScimWorkers.user(en, "Failover"));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> ldap.canSignIn(en));
            String holder = Databases.queryOne(store, "select holder from lease where name = '" + DISPATCH + "'");
            RosterProcess victim = instances.get(holder.equals("failover-a") ? 0 : 1);
            RosterProcess survivor = instances.get(holder.equals("failover-a") ? 1 : 0);

            victim.kill();
            long killed = System.nanoTime();
            Api.Response r = new Api(survivor.baseUrl(), TOKEN).send("PATCH", "/scim/v2/Users/" + created.json().path("id").asString(),
                "application/scim+json", """
                    {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                     "Operations": [{"op": "replace", "path": "active", "value": false}]}""");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> !ldap.canSignIn(en));
            return (System.nanoTime() - killed) / 1e9;
        } finally {
            instances.forEach(RosterProcess::close);
        }
    }
}
