package org.roster.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.scim2.client.ScimService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.provisioning.TargetAccount;
import org.roster.provisioning.memory.InMemoryConnector;
import org.roster.provisioning.memory.InMemoryConnectorFactory;
import org.roster.support.Api;
import org.roster.support.ScimClients;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** A policy file reloaded while Roster runs: validated first, then only the identities it affects are recomputed. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + PolicyReloadTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:policy-reload;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory"})
class PolicyReloadTests {

    static final String TOKEN = "reload-token-0123456789abcdef";
    static Path file;

    private static final String POLICY = """
        rules:
          - name: staff
            when: "true"
            grants:
              - target: directory
                entitlement: staff
          - name: sales
            when: "worker.department == 'Sales'"
            grants:
              - target: directory
                entitlement: %s
        """;

    @DynamicPropertySource
    static void policyFile(DynamicPropertyRegistry r) throws IOException {
        file = Files.createTempFile("roster-policy", ".yml");
        Files.writeString(file, POLICY.formatted("sales-tools"));
        r.add("roster.policy.file", file::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    InMemoryConnectorFactory memory;
    @Autowired
    Provisioning provisioning;

    @Test
    void aReloadIsValidatedFirstAndRecomputesOnlyTheIdentitiesItAffects() throws Exception {
        Api api = new Api("http://127.0.0.1:" + port, TOKEN);
        ScimService scim = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
        InMemoryConnector directory = memory.connector("directory").orElseThrow();
        for (String id : new String[] {"R1", "R2", "R3"}) {
            scim.create("Users", ScimClients.user(id, "r" + id, "Sales", "employee", null));
        }
        for (String id : new String[] {"R4", "R5"}) {
            scim.create("Users", ScimClients.user(id, "r" + id, "Finance", "employee", null));
        }
        settled();
        String first = api.get("/api/v1/policy").json().path("version").asString();
        int financeOps = provisioning.operations("R4", 100).size();

        // a proposed policy previewed: plans for the Sales workers only, nothing changes
        JsonNode preview = post(api, "/api/v1/preview", "{\"policy\": " + quote(POLICY.formatted("sales-crm")) + "}", 200);
        assertThat(preview.path("affected").asLong()).isEqualTo(3);
        assertThat(preview.path("plans").toString()).contains("sales-crm").contains("sales-tools");
        assertThat(groups(directory, "R1")).contains("sales-tools").doesNotContain("sales-crm");

        Files.writeString(file, POLICY.formatted("sales-crm"));
        JsonNode outcome = post(api, "/api/v1/policy/reload", "", 200);
        settled();

        assertThat(outcome.path("changedRules").toString()).isEqualTo("[\"sales\"]");
        assertThat(outcome.path("affected").asLong()).isEqualTo(3);
        assertThat(outcome.path("previousVersion").asString()).isEqualTo(first);
        assertThat(groups(directory, "R1")).containsExactlyInAnyOrder("staff", "sales-crm");
        assertThat(groups(directory, "R4")).containsExactly("staff");
        assertThat(provisioning.operations("R4", 100)).hasSize(financeOps);
        String second = api.get("/api/v1/policy").json().path("version").asString();
        assertThat(second).isEqualTo(outcome.path("version").asString()).isNotEqualTo(first);

        // a file that does not validate is refused, naming file, rule and reason; the running policy stays
        Files.writeString(file, POLICY.formatted("x").replace("worker.department == 'Sales'", "worker.departmnt ="));
        JsonNode refused = post(api, "/api/v1/policy/reload", "", 422);
        assertThat(refused.path("detail").asString()).contains(file.toString()).contains("rule 'sales'")
            .contains("does not compile");
        Files.writeString(file, POLICY.formatted("x").replaceAll("target: directory(\\s+entitlement: x)", "target: crm$1"));
        assertThat(post(api, "/api/v1/policy/reload", "", 422).path("detail").asString()).contains("unknown target(s) [crm]");
        assertThat(api.get("/api/v1/policy").json().path("version").asString()).isEqualTo(second);
        assertThat(api.get("/api/v1/audit?identity=R1&size=200").body()).contains("POLICY " + second);
    }

    /** A reload that changes more rules than one audit record can name: every one is named, in several records. */
    @Test
    void aReloadChangingManyRulesNamesEveryOneInTheTrail() throws Exception {
        Api api = new Api("http://127.0.0.1:" + port, TOKEN);
        StringBuilder many = new StringBuilder(POLICY.formatted("sales-tools"));
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < 150; i++) {
            String name = String.format(java.util.Locale.ROOT, "a-rather-long-rule-name-for-a-finance-ledger-%03d", i);
            names.add(name);
            many.append("""
                  - name: %s
                    when: "worker.department == 'Ledger %d'"
                    grants:
                      - target: directory
                        entitlement: ledger-%d
                """.formatted(name, i, i));
        }
        Files.writeString(file, many.toString());
        JsonNode outcome = post(api, "/api/v1/policy/reload", "", 200);
        try {
            String correlation = "policy-" + outcome.path("version").asString();
            List<String> details = new java.util.ArrayList<>();
            api.get("/api/v1/audit?kind=POLICY_RELOADED&size=100").json().path("items").forEach(n -> {
                if (correlation.equals(n.path("entry").path("correlationId").asString())) {
                    details.add(n.path("entry").path("detail").asString());
                }
            });
            assertThat(details).hasSizeGreaterThan(1).allSatisfy(d -> assertThat(d)
                .hasSizeLessThanOrEqualTo(org.roster.audit.AuditEntry.MAX_DETAIL).doesNotEndWith("…")
                .contains("; rules changed, "));
            List<String> named = new java.util.ArrayList<>();
            details.forEach(d -> named.addAll(List.of(d.substring(d.indexOf(": ") + 2).split(", "))));
            assertThat(named).containsAll(names).doesNotHaveDuplicates();
        } finally {
            Files.writeString(file, POLICY.formatted("sales-tools")); // as the class started, whatever runs next
            post(api, "/api/v1/policy/reload", "", 200);
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static Set<String> groups(InMemoryConnector directory, String id) throws Exception {
        return directory.read(id).map(TargetAccount::entitlements).orElse(Set.of());
    }

    private static JsonNode post(Api api, String path, String json, int expected) {
        Api.Response r = api.send("POST", path, "application/json", json);
        assertThat(r.status()).as(r.body()).isEqualTo(expected);
        return r.json();
    }

    private void settled() {
        await().atMost(Duration.ofSeconds(10)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
    }
}
