package org.roster.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A proposed policy cannot make Roster spend what it likes: a YAML alias bomb is refused before it
 * expands, and an expression that builds a huge string is stopped by the evaluation budget, each in
 * well under a second, with an error that says why.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + PolicyAbuseTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:policy-abuse;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory"})
class PolicyAbuseTests {

    static final String TOKEN = "policy-abuse-token-0123456789";

    @LocalServerPort
    int port;
    private Api api;

    @BeforeEach
    void someoneToEvaluate() {
        api = new Api("http://127.0.0.1:" + port, TOKEN);
        api.send("POST", "/scim/v2/Users", "application/scim+json", """
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "userName": "pa1", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
               {"employeeNumber": "PA1", "department": "Sales"}}""");
    }

    @Test
    void yamlAliasBombIsRefusedBeforeItExpands() {
        StringBuilder yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        char previous = 'a';
        for (char c = 'b'; c <= 'i'; c++) {
            yaml.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                yaml.append(i == 0 ? "" : ",").append('*').append(previous);
            }
            yaml.append("]\n");
            previous = c;
        }
        assertThat(yaml.length()).isLessThan(1024);

        Instant start = Instant.now();
        Api.Response r = preview(yaml.toString());

        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).contains("more than 20 aliases");
    }

    @Test
    void expressionThatBuildsAHugeStringIsStoppedByTheBudget() {
        String grow = "'x'" + ".replace('x', 'xxxxxxxxxx')".repeat(8);
        String policy = """
            rules:
              - name: bomb
                when: "true"
                grants:
                  - target: directory
                    expression: "%s"
            """.formatted(grow);

        Instant start = Instant.now();
        Api.Response r = preview(policy);

        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).contains("policy rule 'bomb' failed").contains("made a string longer than 4096 characters");
    }

    @Test
    void expressionLongerThanTheLimitIsRefusedWhenCompiled() {
        String policy = """
            rules:
              - name: long
                when: "%s"
                grants:
                  - target: directory
            """.formatted("worker.department == 'Sales' || ".repeat(200) + "true");

        Api.Response r = preview(policy);

        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).contains("rule 'long'").contains("does not compile");
    }

    @Test
    void theMetricsAlertsAreWrittenOnExistAtZeroFromTheStart() {
        String metrics = api.get("/actuator/prometheus").body();

        assertThat(metrics).contains("roster_operations_dead_total{target=\"directory\"} 0.0")
            .contains("roster_slo_breaches_total{target=\"directory\"} 0.0")
            .contains("roster_circuit_open{target=\"directory\"} 0.0")
            .contains("roster_guard_holds_total{source=\"scim\",target=\"directory\"} 0.0")
            // how long each background loop's pass under way has run: a lane stuck in one is seen
            .containsPattern("roster_worker_pass_seconds\\{loop=\"roster-dispatch-directory\"} [0-9.E-]+")
            .containsPattern("roster_worker_pass_seconds\\{loop=\"roster-lifecycle-scheduler\"} [0-9.E-]+");
    }

    @Test
    void reloadWithoutAPolicyFileIsRefusedSayingSo() {
        Api.Response r = api.send("POST", "/api/v1/policy/reload", "application/json", "");

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("roster.policy.file").contains("is not set");
    }

    private Api.Response preview(String policy) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("policy", policy);
        return api.send("POST", "/api/v1/preview", "application/json", body.toString());
    }
}
