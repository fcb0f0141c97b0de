package org.roster.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roster.hr.ScimSchemas;
import org.roster.plan.OperationKind;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.provisioning.Revocation;
import org.roster.support.Api;
import org.roster.support.Databases;
import org.roster.support.Keycloak;
import org.roster.support.ScimTargetServer;
import org.roster.support.Slapd;
import org.roster.support.TestTargets;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Leavers propagated to three real targets in parallel: OpenLDAP, a SCIM 2.0 application and
 * Keycloak. Each leaver is a SCIM PATCH to Roster, one after the other; the figures come from what
 * each target answered (acknowledgement) and from the read-back that verified access was gone.
 * Also: operations a second sustained against the SCIM application while the joiners were
 * provisioned, and Roster's own time per operation before the target is called. Run with
 * {@code mvn -B test -Pbenchmark -Dtest=ThreeTargetsBenchmark} ({@code -Dbench.leavers=300}).
 */
@Tag("benchmark")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + ThreeTargetsBenchmark.TOKEN,
    "logging.level.root=WARN",
    "roster.plan.guard.enabled=false",
    "roster.policy.rules[0].name=everyone",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.policy.rules[0].grants[0].entitlement=staff",
    "roster.policy.rules[0].grants[1].target=crm",
    "roster.policy.rules[0].grants[1].entitlement=crm-users",
    "roster.policy.rules[0].grants[2].target=sso",
    "roster.policy.rules[0].grants[2].entitlement=workforce",
    "roster.policy.rules[1].name=department",
    "roster.policy.rules[1].when=true",
    "roster.policy.rules[1].grants[0].target=crm",
    "roster.policy.rules[1].grants[0].expression='crm-' + worker.department.lowerAscii()"})
class ThreeTargetsBenchmark {

    static final String TOKEN = "bench3-token-0123456789abcdef";
    private static final int LEAVERS = Integer.getInteger("bench.leavers", 300);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 30);
    private static final String REALM = "roster-bench";
    static ScimTargetServer crm;
    static String store;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) throws Exception {
        store = Databases.benchmarkStore(r, "bench-three-store");
        TestTargets.ldapDirectory(r, Slapd.shared());
        crm = new ScimTargetServer();
        org.roster.support.TestTargets.scimApplication(r, 1, crm);
        Keycloak kc = Keycloak.shared();
        kc.createRealm(REALM);
        String secret = kc.createRosterClient(REALM, "roster");
        r.add("roster.provisioning.targets[2].name", () -> "sso");
        r.add("roster.provisioning.targets[2].type", () -> "keycloak");
        r.add("roster.provisioning.targets[2].keycloak.url", kc::url);
        r.add("roster.provisioning.targets[2].keycloak.realm", () -> REALM);
        r.add("roster.provisioning.targets[2].keycloak.client-id", () -> "roster");
        r.add("roster.provisioning.targets[2].keycloak.client-secret", () -> secret);
    }

    @LocalServerPort
    int port;
    @Autowired
    Provisioning provisioning;

    @Test
    void leaversAcrossThreeTargets() throws Exception {
        Api api = new Api("http://127.0.0.1:" + port, TOKEN);
        int total = WARMUP + LEAVERS;
        List<String> ids = new ArrayList<>();
        Instant joinersFrom = Instant.now();
        for (int i = 0; i < total; i++) {
            Api.Response r = api.send("POST", "/scim/v2/Users", "application/scim+json", user("T" + i));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            ids.add(r.json().path("id").stringValue());
        }
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100))
            .until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
        assertThat(provisioning.count(OutboxEntry.Status.DEAD)).isZero();
        // SCIM throughput while the joiners went out: the application's acknowledgements over their span
        List<Instant> scimAcks = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            provisioning.operations("T" + i, 20).stream().filter(o -> o.operation().target().equals("crm"))
                .forEach(o -> scimAcks.add(o.ackedAt()));
        }
        Collections.sort(scimAcks);
        double scimSeconds = Duration.between(joinersFrom, scimAcks.get(scimAcks.size() - 1)).toNanos() / 1e9;

        for (int i = 0; i < total; i++) {
            Api.Response r = api.send("PATCH", "/scim/v2/Users/" + ids.get(i), "application/scim+json", """
                {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "replace", "path": "%s:employmentStatus", "value": "terminated"}]}
                """.formatted(ScimSchemas.WORKER));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            String id = "T" + i;
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                .until(() -> provisioning.revocations(id).size() == 3);
        }

        Map<String, List<Double>> acked = new HashMap<>();
        Map<String, List<Double>> verified = new HashMap<>();
        Map<String, List<Double>> engine = new HashMap<>();
        List<Double> allGone = new ArrayList<>();
        long failed = 0;
        for (int i = WARMUP; i < total; i++) {
            String id = "T" + i;
            for (OutboxEntry o : provisioning.operations(id, 50)) {
                if (o.operation().kind() == OperationKind.DISABLE) {
                    acked.computeIfAbsent(o.operation().target(), k -> new ArrayList<>())
                        .add(ms(o.hrReceivedAt(), o.ackedAt()));
                    engine.computeIfAbsent(o.operation().target(), k -> new ArrayList<>())
                        .add(ms(o.hrReceivedAt(), o.sentAt()));
                }
            }
            double last = 0;
            for (Revocation r : provisioning.revocations(id)) {
                verified.computeIfAbsent(r.target(), k -> new ArrayList<>()).add(r.latency().toNanos() / 1e6);
                last = Math.max(last, r.latency().toNanos() / 1e6);
                failed += r.result() == Revocation.Result.VERIFIED ? 0 : 1;
            }
            allGone.add(last);
        }
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT, """
            leavers across three real targets (OpenLDAP, SCIM app, Keycloak); %s store; date %s, %d cores
              %d leavers after %d warm-up, one at a time, SCIM PATCH employmentStatus=terminated
              access verified gone on all three: p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms  (%d not verified)
            """, store, Instant.now(), Runtime.getRuntime().availableProcessors(), LEAVERS, WARMUP,
            pct(allGone, 50), pct(allGone, 95), pct(allGone, 99), pct(allGone, 100), failed));
        for (String t : List.of("directory", "crm", "sso")) {
            report.append(String.format(Locale.ROOT,
                "  %-9s disable acknowledged p50 %6.1f / p99 %6.1f ms; verified p50 %6.1f / p99 %6.1f ms;"
                    + " Roster before the call p50 %5.1f / p99 %5.1f ms%n", t,
                pct(acked.get(t), 50), pct(acked.get(t), 99), pct(verified.get(t), 50), pct(verified.get(t), 99),
                pct(engine.get(t), 50), pct(engine.get(t), 99)));
        }
        report.append(String.format(Locale.ROOT,
            "  SCIM app, joiners: %d operations acknowledged in %.1f s: %.0f operations/s sustained%n",
            scimAcks.size(), scimSeconds, scimAcks.size() / scimSeconds));
        System.out.println(report);
        Files.createDirectories(Path.of("target/benchmarks"));
        Files.writeString(Path.of("target/benchmarks/three-targets.txt"), report.toString());
    }

    private static double ms(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    private static double pct(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    private static String user(String en) {
        return """
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "%s"],
             "userName": "%s", "name": {"givenName": "Given", "familyName": "%s"},
             "emails": [{"value": "%s@example.com", "type": "work", "primary": true}],
             "%s": {"employeeNumber": "%s", "department": "Sales"},
             "%s": {"workerType": "employee", "employmentStatus": "active", "startDate": "2024-01-08"}}
            """.formatted(ScimSchemas.WORKER, "bench-" + en.toLowerCase(Locale.ROOT), en, "bench-" + en.toLowerCase(Locale.ROOT),
            ScimSchemas.ENTERPRISE_USER, en, ScimSchemas.WORKER);
    }
}
