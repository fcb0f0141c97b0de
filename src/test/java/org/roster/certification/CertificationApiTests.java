package org.roster.certification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.ScimWorkers;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The certification API as a client uses it: a campaign started inline; a refused start or decision
 * names its field; a reviewer (an API token) pages and decides their items and nobody else's; an
 * exception revoked at certification ends the grant and the access; decisions made too fast are
 * flagged in the report; the compliance report counts the decisions.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + CertificationApiTests.ADMIN,
    "roster.store.url=jdbc:h2:mem:certification-api;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.policy.rules[0].name=account",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.policy.rules[0].grants[0].entitlement=staff",
    "roster.policy.catalogue.directory[0].name=staff",
    "roster.policy.catalogue.directory[1].name=payroll",
    "roster.policy.catalogue.directory[1].owner=payroll-bot",
    "roster.certification.fast-decisions.count=4",
    "roster.certification.fast-decisions.within=60s",
    "roster.nhi.discover-every=0"})
class CertificationApiTests {

    static final String ADMIN = "certification-api-admin-token-0123456789";

    @LocalServerPort
    int port;
    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    /** The entitlements the target acknowledged for a person. */
    private static String entitlements(Api admin, String id) {
        return admin.get("/api/v1/identities/" + id).json().path("accounts").findValues("entitlements").toString();
    }

    @Test
    void aReviewerDecidesTheirOwnItemsThroughTheApiAndTheReportFlagsHaste() {
        Api admin = new Api("http://127.0.0.1:" + port, ADMIN);
        String bot = admin.send("POST", "/api/v1/tokens", "application/json",
            "{\"name\": \"payroll-bot\", \"roles\": [\"auditor\"]}").json().path("token").asString();
        String viewer = admin.send("POST", "/api/v1/tokens", "application/json",
            "{\"name\": \"viewer\", \"roles\": [\"steward\"]}").json().path("token").asString();
        Api reviewer = new Api("http://127.0.0.1:" + port, bot);
        for (int i = 1; i <= 5; i++) {
            ScimWorkers.hire(admin, "P" + i, "pat" + i, null);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/api/v1/identities/P5").json().path("state")
            .asString().equals("ACTIVE"));
        // P1's payroll access is an exception, approved by its owner (the bot)
        String grant = admin.send("POST", "/api/v1/exceptions", "application/json", """
            {"identity": "P1", "target": "directory", "entitlement": "payroll", "reason": "covers payroll in May",
             "expiresAt": "%s"}""".formatted(java.time.Instant.now().plus(Duration.ofDays(20)))).json().path("id").asString();
        assertThat(reviewer.send("POST", "/api/v1/exceptions/" + grant + "/approve", "application/json",
            "{\"note\": \"ok\"}").status()).isEqualTo(200);

        Api.Response bad = admin.send("POST", "/api/v1/certifications", "application/json",
            "{\"name\": \"broken\", \"scope\": \"access.privileged &&\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("field").asString()).isEqualTo("scope");
        assertThat(new Api("http://127.0.0.1:" + port, viewer).send("POST", "/api/v1/certifications", "application/json",
            "{\"scope\": \"true\"}").status()).as("a steward does not start campaigns").isEqualTo(403);

        await().atMost(Duration.ofSeconds(10)).until(() -> entitlements(admin, "P1").contains("payroll"));
        Api.Response started = admin.send("POST", "/api/v1/certifications", "application/json", """
            {"name": "all access", "scope": "worker.employeeNumber.startsWith('P')", "reviewers": ["payroll-bot"],
             "duration": "P7D"}""");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String id = started.json().path("id").asString();
        assertThat(started.json().path("status").asString()).isEqualTo("STARTING");
        await().atMost(Duration.ofSeconds(10)).until(() ->
            admin.get("/api/v1/certifications/" + id).json().path("status").asString().equals("OPEN"));
        assertThat(admin.get("/api/v1/certifications/" + id).json().path("items").asLong())
            .as("staff for five, payroll for one").isEqualTo(6);

        // the bot pages its items two at a time; the viewer may not read the bot's
        JsonNode page = reviewer.get("/api/v1/certifications/" + id + "/items?size=2").json();
        assertThat(page.path("items").size()).isEqualTo(2);
        String cursor = page.path("next").asString();
        assertThat(reviewer.get("/api/v1/certifications/" + id + "/items?size=10&cursor=" + cursor).json().path("items")
            .size()).isEqualTo(4);
        assertThat(new Api("http://127.0.0.1:" + port, viewer).get("/api/v1/certifications/" + id
            + "/items?reviewer=token:payroll-bot").status()).isEqualTo(403);

        JsonNode items = reviewer.get("/api/v1/certifications/" + id + "/items?size=10").json().path("items");
        String payroll = null;
        for (JsonNode item : items) {
            if (item.path("entitlement").asString().equals("payroll")) {
                payroll = item.path("id").asString();
                assertThat(item.path("source").asString()).isEqualTo("exception");
                assertThat(item.path("why").asString()).contains("approved by payroll-bot").contains("covers payroll in May");
            }
        }
        Api.Response noReason = reviewer.send("POST", "/api/v1/certifications/" + id + "/items/" + payroll + "/decision",
            "application/json", "{\"decision\": \"revoke\"}");
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.json().path("field").asString()).isEqualTo("reason");
        assertThat(admin.send("POST", "/api/v1/certifications/" + id + "/items/" + payroll + "/decision",
            "application/json", "{\"decision\": \"revoke\", \"reason\": \"not mine\"}").status())
            .as("only the reviewer decides").isEqualTo(403);
        assertThat(reviewer.send("POST", "/api/v1/certifications/" + id + "/items/" + payroll + "/decision",
            "application/json", "{\"decision\": \"revoke\", \"reason\": \"May is over\"}").status()).isEqualTo(200);
        // the rest kept in one request; the one decided already is refused and listed, not fatal
        java.util.List<String> all = new java.util.ArrayList<>();
        items.forEach(item -> all.add("\"" + item.path("id").asString() + "\""));
        JsonNode bulk = reviewer.send("POST", "/api/v1/certifications/" + id + "/decisions", "application/json",
            "{\"items\": [" + String.join(",", all) + "], \"decision\": \"keep\", \"reason\": \"looked\"}").json();
        assertThat(bulk.path("decided").asInt()).isEqualTo(5);
        assertThat(bulk.path("refused").asInt()).isEqualTo(1);
        assertThat(bulk.path("refusals").get(0).asString()).contains(payroll).contains("decided already");
        await().atMost(Duration.ofSeconds(10)).until(() -> !entitlements(admin, "P1").contains("payroll"));
        assertThat(admin.get("/api/v1/exceptions/" + grant).json().path("status").asString()).isEqualTo("REVOKED");

        JsonNode report = admin.get("/api/v1/certifications/" + id + "/report").json();
        assertThat(report.path("campaign").path("status").asString()).isEqualTo("CLOSED");
        assertThat(report.path("decisions").path("KEPT").asLong()).isEqualTo(5);
        assertThat(report.path("fastDecisions").get(0).path("reviewer").asString()).isEqualTo("payroll-bot");
        assertThat(report.path("revocations").get(0).path("acknowledgedAt").isNull()).isFalse();
        assertThat(admin.get("/api/v1/reports/compliance").body()).contains("5 kept and 1 revoked by their reviewers");
    }

    @Test
    void anItemNobodyDecidesIsEscalatedThenRevokedAtItsDeadlines() {
        Api admin = new Api("http://127.0.0.1:" + port, ADMIN);
        ScimWorkers.hire(admin, "Q1", "quinn", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> entitlements(admin, "Q1").contains("staff"));
        // reviewed by Q1's manager; Q1 has none, so operators review, and nobody is above them
        Api.Response started = admin.send("POST", "/api/v1/certifications", "application/json", """
            {"name": "escalating", "scope": "worker.employeeNumber == 'Q1'", "reviewers": ["manager"],
             "duration": "PT2S", "onDeadline": "escalate"}""");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String id = started.json().path("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode items = admin.get("/api/v1/certifications/" + id + "/items?reviewer=operators").json().path("items");
            return items.size() == 1 && items.get(0).path("escalated").asBoolean();
        });
        assertThat(admin.get("/api/v1/audit?kind=CERTIFICATION_ESCALATED").body()).contains("Q1");
        assertThat(admin.get("/api/v1/certifications/" + id).json().path("status").asString())
            .as("escalated for escalate-for (7 days) before it is revoked").isEqualTo("OPEN");
    }

    @Test
    void anItemThatCannotBeClosedAtItsDeadlineHoldsBackNoneDueAfterIt() {
        Api admin = new Api("http://127.0.0.1:" + port, ADMIN);
        ScimWorkers.hire(admin, "R1", "rita", null);
        ScimWorkers.hire(admin, "R2", "rob", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> entitlements(admin, "R2").contains("staff"));
        // the store refuses to close R1's item (as a fault or a constraint added by hand would)
        jdbc.sql("alter table certification_item add constraint refuses_close check (identity_key <> 'R1'"
            + " or status = 'OPEN')").update();
        try {
            for (String[] c : new String[][] {{"R1", "PT1S"}, {"R2", "PT2S"}}) { // R1's deadline first
                Api.Response started = admin.send("POST", "/api/v1/certifications", "application/json", """
                    {"name": "%s", "scope": "worker.employeeNumber == '%s'", "reviewers": ["manager"], "duration": "%s"}"""
                    .formatted("deadline " + c[0], c[0], c[1]));
                assertThat(started.status()).as(started.body()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> itemStatus("R2").equals("KEPT"));
            assertThat(itemStatus("R1")).isEqualTo("OPEN");
        } finally {
            jdbc.sql("alter table certification_item drop constraint refuses_close").update();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> itemStatus("R1").equals("KEPT"));
    }

    private String itemStatus(String identity) {
        return jdbc.sql("select status from certification_item where identity_key = ?").param(identity)
            .query(String.class).optional().orElse("none");
    }
}
