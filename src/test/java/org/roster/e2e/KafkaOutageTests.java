package org.roster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.roster.support.Acknowledgements;
import org.roster.support.Api;
import org.roster.support.Databases;
import org.roster.support.KafkaProcess;
import org.roster.support.MostlyWaits;
import org.roster.support.RosterProcess;
import org.roster.support.ScimWorkers;
import org.roster.support.Slapd;
import tools.jackson.databind.JsonNode;

/**
 * An outage drill in cluster mode over Kafka: the only broker is killed ({@code SIGKILL}) while two
 * Roster instances run, and started again on the same data after longer than a consumer's session
 * lasts. HR changes are still taken meanwhile (the store is the record of what is owed), and the
 * leavers' accounts are disabled without the broker: each revocation is found in the store by the
 * instance holding its identity's partition. Once the broker is back, without restarting Roster,
 * every joiner is provisioned, each operation is acknowledged exactly once (the revocations' records,
 * relayed late, send nothing again), and the instances' logs say once that the brokers did not take
 * operations and once that they do again, instead of a line per client and connection attempt.
 */
@MostlyWaits
class KafkaOutageTests {

    private static final String TOKEN = "kafka-outage-test-token-0123456789";
    private static final Duration OUTAGE_AT_LEAST = Duration.ofSeconds(8); // longer than the session timeout (6 s)

    @Test
    void whileTheBrokerIsDownHrChangesAreTakenAndLeaversDisabledAndOnceItIsBackEachLandsOnce() throws Exception {
        Slapd ldap = Slapd.shared();
        Path dir = RosterProcess.workDir("kafka-outage");
        String url = Databases.freshPostgresUrl();
        String prefix = "K" + Long.toString(System.nanoTime() & 0xffffff, 36).toUpperCase(Locale.ROOT);
        List<RosterProcess> rosters = new ArrayList<>();
        try (KafkaProcess kafka = KafkaProcess.start(dir.resolve("kafka"))) {
            try {
                for (int i = 0; i < 2; i++) {
                    Path config = dir.resolve("roster-" + i + ".yml");
                    Files.writeString(config, ldap.rosterConfig("""
                          cluster:
                            enabled: true
                            instance-id: kafka-outage-%d
                            lease-ttl: 3s
                            kafka:
                              bootstrap-servers: %s
                              topic-prefix: %s
                              partitions: 4
                              session-timeout: 6s
                        """.formatted(i, kafka.bootstrapServers(), prefix.toLowerCase(Locale.ROOT)), url, "postgres"));
                    rosters.add(RosterProcess.start(config, RosterProcess.freePort(),
                        Map.of("ROSTER_BOOTSTRAP_TOKEN", TOKEN, "LDAP_BIND_PASSWORD", Slapd.ADMIN_PASSWORD), "roster-" + i + ".log"));
                }
                List<Api> apis = rosters.stream().map(r -> new Api(r.baseUrl(), TOKEN)).toList();
                List<String> joiners = List.of(prefix + "J0", prefix + "J1", prefix + "J2");
                Map<String, String> workers = new LinkedHashMap<>();
                for (int i = 0; i < 6; i++) {
                    Api.Response r = apis.get(i % 2).send("POST", "/scim/v2/Users", "application/scim+json",
                        ScimWorkers.user(prefix + i, "Kafka"));
                    assertThat(r.status()).as(r.body()).isEqualTo(201);
                    workers.put(prefix + i, r.json().path("id").asString());
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> workers.keySet().stream().allMatch(ldap::canSignIn));
                // both instances hold partitions (the group settled), so that killing one leaves partitions to take over
                await().atMost(Duration.ofSeconds(60)).until(() ->
                    Files.readString(rosters.get(1).log()).matches("(?s).*Adding newly assigned partitions: \\[[^\\]].*"));

                kafka.kill();
                long down = System.nanoTime();
                // The HR system's changes are acknowledged from the store, to either instance.
                List<String> leavers = new ArrayList<>(new ArrayList<>(workers.keySet()).subList(0, 3));
                for (int i = 0; i < leavers.size(); i++) {
                    Api.Response r = apis.get(i % 2).send("PATCH", "/scim/v2/Users/" + workers.get(leavers.get(i)),
                        "application/scim+json", ScimWorkers.TERMINATE);
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                }
                for (int i = 0; i < 2; i++) {
                    Api.Response r = apis.get(i % 2).send("POST", "/scim/v2/Users", "application/scim+json",
                        ScimWorkers.user(joiners.get(i), "Kafka"));
                    assertThat(r.status()).as(r.body()).isEqualTo(201);
                }
                // A revocation does not wait for the brokers: the instance holding its identity's partition finds it
                // in the store once it has waited 5 s for its record, and sends it. The joiners wait.
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                    leavers.stream().noneMatch(ldap::canSignIn));
                long disabledMillis = (System.nanoTime() - down) / 1_000_000;
                System.out.printf("leavers disabled %d ms after the broker was killed, with no broker%n", disabledMillis);

                // An instance killed and started again while the broker is down starts (it used to refuse to,
                // wanting the brokers), and takes HR changes. With no broker to give it partitions, it answers for
                // the revocations of those it claimed before (its claims in the store are still its own), so every
                // leaver is disabled whichever instance held the partition; joiners wait for the brokers.
                rosters.get(1).kill();
                rosters.set(1, RosterProcess.start(dir.resolve("roster-1.yml"), RosterProcess.freePort(),
                    Map.of("ROSTER_BOOTSTRAP_TOKEN", TOKEN, "LDAP_BIND_PASSWORD", Slapd.ADMIN_PASSWORD), "roster-1-again.log"));
                Api again = new Api(rosters.get(1).baseUrl(), TOKEN);
                Api.Response late = again.send("POST", "/scim/v2/Users", "application/scim+json", ScimWorkers.user(joiners.get(2), "Kafka"));
                assertThat(late.status()).as(late.body()).isEqualTo(201);
                apis = List.of(apis.get(0), again);
                List<String> later = new ArrayList<>(workers.keySet()).subList(3, 6);
                long terminated = System.nanoTime();
                for (int i = 0; i < later.size(); i++) {
                    Api.Response r = apis.get(i % 2).send("PATCH", "/scim/v2/Users/" + workers.get(later.get(i)),
                        "application/scim+json", ScimWorkers.TERMINATE);
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                }
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                    later.stream().noneMatch(ldap::canSignIn));
                System.out.printf("leavers terminated after the restart disabled %d ms later, with no broker%n",
                    (System.nanoTime() - terminated) / 1_000_000);
                leavers.addAll(later);

                long outMillis = (System.nanoTime() - down) / 1_000_000;
                if (outMillis < OUTAGE_AT_LEAST.toMillis()) {
                    Thread.sleep(OUTAGE_AT_LEAST.toMillis() - outMillis);
                }

                kafka.start();
                long back = System.nanoTime();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() ->
                    leavers.stream().noneMatch(ldap::canSignIn) && joiners.stream().allMatch(ldap::canSignIn));
                System.out.printf("joiners created %d ms after the broker was started again%n", (System.nanoTime() - back) / 1_000_000);
                for (String en : workers.keySet()) {
                    assertThat(ldap.canSignIn(en)).as(en + ", terminated: " + leavers.contains(en)).isEqualTo(!leavers.contains(en));
                }
                Api api = apis.get(0);
                for (String en : leavers) {
                    assertThat(acknowledged(api, en).stream().filter("DISABLE directory"::equals).count())
                        .as("acknowledged disables of " + en).isEqualTo(1);
                }
                for (String en : joiners) {
                    assertThat(acknowledged(api, en).stream().filter("CREATE directory"::equals).count())
                        .as("acknowledged creates of " + en).isEqualTo(1);
                }
                JsonNode verify = api.get("/api/v1/audit/verify").json();
                assertThat(verify.path("intact").asBoolean()).as(verify.toString()).isTrue();

                // one line when the brokers stop taking operations and one when they take them again, from the relay
                // (or when it hands over to another instance, which the lease may give the relay to meanwhile)
                await().atMost(Duration.ofSeconds(10)).until(() -> logs(dir).contains("relay: the brokers take operations again")
                    || logs(dir).contains("relay: handed over to another instance after"));
                String logs = logs(dir);
                assertThat(logs).contains("relay: the brokers did not take");
                for (Path log : List.of(dir.resolve("roster-0.log"), dir.resolve("roster-1.log"), dir.resolve("roster-1-again.log"))) {
                    assertThat(Files.readString(log).split("relay: the brokers did not take", -1)).as("said once, " + log).hasSizeLessThan(3);
                }
                assertThat(logs).doesNotContain("could not be established").doesNotContain("Rebootstrapping")
                    .doesNotContain("threw exception")
                    .contains("cluster: the brokers at " + kafka.bootstrapServers() + " did not answer within 10 s")
                    .contains("cluster: the brokers answer, after")
                    .contains("this instance answers for the revocations of partitions")
                    .contains("revocation(s) of this instance's partitions still unsent 5 s after they were planned");
            } finally {
                rosters.forEach(RosterProcess::close);
            }
        }
    }

    /** Every instance's log, the one killed and started again included. */
    private static String logs(Path dir) throws java.io.IOException {
        StringBuilder all = new StringBuilder();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path log : files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
                all.append(Files.readString(log));
            }
        }
        return all.toString();
    }

    private static List<String> acknowledged(Api api, String employeeNumber) {
        List<JsonNode> audit = new ArrayList<>();
        api.get("/api/v1/audit?size=500&identity=" + employeeNumber).json().path("items").forEach(audit::add);
        return Acknowledgements.acknowledgedIn(audit);
    }
}
