package org.roster.authzen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.ScimWorkers;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The AuthZEN working group's certification scenario for Authorization API 1.0 decision points
 * (../shared/authzen/certification-scenario.md: Basic, Batch and Discovery), against the fixture
 * policy it asks for, loaded as configuration; and Roster's own decisions from live state: a
 * person's access to a target is permitted before their termination and denied at once after it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + AuthzenCertificationTests.ADMIN,
    "roster.store.url=jdbc:h2:mem:authzen;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.provisioning.targets[1].name=crm",
    "roster.provisioning.targets[1].type=memory",
    "roster.policy.rules[0].name=account",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.policy.rules[0].grants[0].entitlement=staff",
    "roster.api.tokens[0].name=gateway", "roster.api.tokens[0].roles=pep",
    "roster.api.tokens[0].token=" + AuthzenCertificationTests.PEP,
    // the certification fixture (decision rules 1 to 8)
    "roster.authzen.subjects.bob.role=admin",
    "roster.authzen.resources.record-1.status=active",
    "roster.authzen.resources.record-2.status=archived",
    "roster.authzen.rules[0].name=admins write archived records",
    "roster.authzen.rules[0].when=action.name == 'write' && resource.properties.status == 'archived'"
        + " && subject.properties.role == 'admin'",
    "roster.authzen.rules[0].decision=true",
    "roster.authzen.rules[1].name=archived records are read-only",
    "roster.authzen.rules[1].when=action.name == 'write' && resource.properties.status == 'archived'",
    "roster.authzen.rules[1].decision=false",
    "roster.authzen.rules[2].name=soft deletes",
    "roster.authzen.rules[2].when=action.name == 'delete' && action.properties.soft == true",
    "roster.authzen.rules[2].decision=true",
    "roster.authzen.rules[3].name=no hard deletes",
    "roster.authzen.rules[3].when=action.name == 'delete'",
    "roster.authzen.rules[3].decision=false",
    "roster.authzen.rules[4].name=admins only read active records",
    "roster.authzen.rules[4].when=subject.properties.role == 'admin' && action.name == 'write'",
    "roster.authzen.rules[4].decision=false",
    "roster.authzen.rules[5].name=records are read and written",
    "roster.authzen.rules[5].when=resource.type == 'record' && (action.name == 'read' || action.name == 'write')",
    "roster.authzen.rules[5].decision=true"})
class AuthzenCertificationTests {

    static final String ADMIN = "authzen-admin-token-0123456789";
    static final String PEP = "authzen-gateway-token-0123456789";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    private HttpResponse<String> post(String path, String contentType, String body, String requestId) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + PEP).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            r.header("Content-Type", contentType);
        }
        if (requestId != null) {
            r.header("X-Request-ID", requestId);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private boolean decide(String body) throws Exception {
        HttpResponse<String> r = post("/access/v1/evaluation", "application/json", body, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.path("decision").isBoolean()).as(r.body()).isTrue();
        return answer.path("decision").asBoolean();
    }

    private static String eval(String subject, String action, String resource) {
        return "{\"subject\": " + subject + ", \"action\": " + action + ", \"resource\": " + resource + "}";
    }

    private static final String ALICE = "{\"type\": \"user\", \"id\": \"alice\"}";
    private static final String BOB = "{\"type\": \"user\", \"id\": \"bob\"}";
    private static final String ADMIN_BOB = "{\"type\": \"user\", \"id\": \"bob\", \"properties\": {\"role\": \"admin\"}}";
    private static final String RECORD_1 = "{\"type\": \"record\", \"id\": \"record-1\"}";
    private static final String ARCHIVED = "{\"type\": \"record\", \"id\": \"record-2\", \"properties\": {\"status\": \"archived\"}}";

    @Test
    void theFixtureDecisionsHold() throws Exception {
        assertThat(decide(eval(ALICE, "{\"name\": \"read\"}", RECORD_1))).as("rule 1").isTrue();
        assertThat(decide(eval(ALICE, "{\"name\": \"write\"}", RECORD_1))).as("rule 2").isTrue();
        assertThat(decide(eval(BOB, "{\"name\": \"read\"}", RECORD_1))).as("rule 3").isTrue();
        assertThat(decide(eval(BOB, "{\"name\": \"write\"}", RECORD_1))).as("rule 4").isFalse();
        assertThat(decide(eval(ALICE, "{\"name\": \"write\"}", ARCHIVED))).as("rule 5").isFalse();
        assertThat(decide(eval(ADMIN_BOB, "{\"name\": \"write\"}", ARCHIVED))).as("rule 6").isTrue();
        assertThat(decide(eval(ALICE, "{\"name\": \"delete\", \"properties\": {\"soft\": true}}", RECORD_1))).as("rule 7")
            .isTrue();
        assertThat(decide(eval(ALICE, "{\"name\": \"delete\", \"properties\": {\"soft\": false}}", RECORD_1))).as("rule 8")
            .isFalse();
        // context, more properties and unknown members change nothing
        assertThat(decide("{\"subject\": " + ALICE + ", \"action\": {\"name\": \"read\", \"properties\": {\"method\": \"GET\"}},"
            + " \"resource\": {\"type\": \"record\", \"id\": \"record-1\", \"properties\": {\"status\": \"active\", \"owner\":"
            + " \"bob\"}}, \"context\": {\"time\": \"2025-06-27T18:03-07:00\", \"ip\": \"192.168.1.1\"}, \"foo\": \"bar\","
            + " \"futureField\": {\"nested\": true}}")).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(decide(eval(ALICE, "{\"name\": \"read\"}", RECORD_1))).as("the same each time").isTrue();
        }
    }

    @Test
    void malformedRequestsAre400AndTheRequestIdIsEchoed() throws Exception {
        String read = "{\"name\": \"read\"}";
        for (String bad : new String[] {
            "{\"action\": " + read + ", \"resource\": " + RECORD_1 + "}",
            "{\"subject\": " + ALICE + ", \"resource\": " + RECORD_1 + "}",
            "{\"subject\": " + ALICE + ", \"action\": " + read + "}",
            eval("{\"id\": \"alice\"}", read, RECORD_1), eval("{\"type\": \"user\"}", read, RECORD_1),
            eval(ALICE, "{}", RECORD_1), eval(ALICE, read, "{\"id\": \"record-1\"}"), eval(ALICE, read, "{\"type\": \"record\"}"),
            eval("\"alice\"", read, RECORD_1), eval(ALICE, "{\"name\": 123}", RECORD_1), "{not json", ""}) {
            HttpResponse<String> r = post("/access/v1/evaluation", "application/json", bad, "req-42");
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.headers().firstValue("X-Request-ID")).as("echoed on errors too").contains("req-42");
        }
        assertThat(post("/access/v1/evaluation", "text/plain", eval(ALICE, read, RECORD_1), null).statusCode()).isEqualTo(400);
        HttpResponse<String> ok = post("/access/v1/evaluation", "application/json", eval(ALICE, read, RECORD_1), "abc-123");
        assertThat(ok.headers().firstValue("X-Request-ID")).contains("abc-123");
        assertThat(post("/access/v1/evaluation", "application/json", eval(ALICE, read, RECORD_1), null).statusCode())
            .isEqualTo(200);
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/access/v1/evaluation")).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(eval(ALICE, read, RECORD_1))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).as("callers are authenticated").isEqualTo(401);
        Api hr = new Api("http://127.0.0.1:" + port, ADMIN);
        String feed = hr.send("POST", "/api/v1/tokens", "application/json",
            "{\"name\": \"a-feed\", \"roles\": [\"hr-source\"]}").json().path("token").asString();
        assertThat(new Api("http://127.0.0.1:" + port, feed).send("POST", "/access/v1/evaluation", "application/json",
            eval(ALICE, read, RECORD_1)).status()).as("an HR feed asks for no decision").isEqualTo(403);
    }

    private JsonNode batch(String body) throws Exception {
        HttpResponse<String> r = post("/access/v1/evaluations", "application/json", body, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static java.util.List<Boolean> decisions(JsonNode answer) {
        java.util.List<Boolean> out = new java.util.ArrayList<>();
        answer.path("evaluations").forEach(e -> {
            assertThat(e.path("decision").isBoolean()).isTrue();
            out.add(e.path("decision").asBoolean());
        });
        return out;
    }

    @Test
    void batchesInheritDefaultsKeepOrderAndDenyAFailedItem() throws Exception {
        assertThat(decisions(batch("{\"subject\": " + ALICE + ", \"action\": {\"name\": \"read\"}, \"evaluations\": [{\"resource\": "
            + RECORD_1 + "}, {\"resource\": {\"type\": \"record\", \"id\": \"record-2\"}}]}"))).hasSize(2);
        assertThat(decisions(batch("{\"subject\": " + BOB + ", \"resource\": " + RECORD_1 + ", \"evaluations\": [{\"action\":"
            + " {\"name\": \"read\"}}, {\"action\": {\"name\": \"write\"}}]}"))).containsExactly(true, false);
        assertThat(decisions(batch("{\"subject\": " + ALICE + ", \"action\": {\"name\": \"write\"}, \"evaluations\": ["
            + "{\"resource\": {\"type\": \"record\", \"id\": \"record-1\", \"properties\": {\"status\": \"active\"}}},"
            + "{\"resource\": " + ARCHIVED + "}]}"))).containsExactly(true, false);
        assertThat(decisions(batch("{\"action\": {\"name\": \"write\"}, \"resource\": " + ARCHIVED + ", \"evaluations\": ["
            + "{\"subject\": " + ALICE + "}, {\"subject\": " + ADMIN_BOB + "}]}"))).containsExactly(false, true);
        assertThat(decisions(batch("{\"evaluations\": [" + eval(ALICE, "{\"name\": \"read\"}", RECORD_1) + ", "
            + eval(BOB, "{\"name\": \"write\"}", RECORD_1) + "]}"))).containsExactly(true, false);
        assertThat(decisions(batch("{\"subject\": " + ALICE + ", \"action\": {\"name\": \"read\"}, \"context\": {\"time\":"
            + " \"2025-06-27T18:03-07:00\"}, \"evaluations\": [{\"resource\": " + RECORD_1 + "}, {\"resource\": " + RECORD_1
            + ", \"context\": {\"source\": \"batch-override\"}}]}"))).hasSize(2);
        assertThat(decisions(batch("{\"subject\": " + ALICE + ", \"action\": {\"name\": \"write\"}, \"resource\": {\"type\":"
            + " \"record\", \"id\": \"record-1\", \"properties\": {\"status\": \"active\"}}, \"evaluations\": [{}, {\"resource\": "
            + ARCHIVED + "}]}"))).containsExactly(true, false);
        JsonNode failed = batch("{\"subject\": " + ALICE + ", \"action\": {\"name\": \"read\"}, \"options\":"
            + " {\"evaluations_semantic\": \"execute_all\"}, \"evaluations\": [{\"resource\": " + RECORD_1 + "}, {}]}");
        assertThat(decisions(failed)).containsExactly(true, false);
        assertThat(failed.path("evaluations").get(1).path("context").path("error").path("status").asInt()).isEqualTo(400);
        // without evaluations, or with none, the batch endpoint answers as the single one
        String single = eval(ALICE, "{\"name\": \"read\"}", RECORD_1);
        assertThat(batch(single).path("decision").asBoolean()).isTrue();
        assertThat(batch(single.substring(0, single.length() - 1) + ", \"evaluations\": []}").path("decision").asBoolean())
            .isTrue();
        // short circuits
        assertThat(decisions(batch("{\"subject\": " + BOB + ", \"resource\": " + RECORD_1 + ", \"options\":"
            + " {\"evaluations_semantic\": \"deny_on_first_deny\"}, \"evaluations\": [{\"action\": {\"name\": \"read\"}},"
            + " {\"action\": {\"name\": \"write\"}}, {\"action\": {\"name\": \"read\"}}]}"))).containsExactly(true, false);
        assertThat(decisions(batch("{\"subject\": " + BOB + ", \"resource\": " + RECORD_1 + ", \"options\":"
            + " {\"evaluations_semantic\": \"permit_on_first_permit\"}, \"evaluations\": [{\"action\": {\"name\": \"write\"}},"
            + " {\"action\": {\"name\": \"read\"}}, {\"action\": {\"name\": \"write\"}}]}"))).containsExactly(false, true);
    }

    @Test
    void theMetadataIsPublic() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/.well-known/authzen-configuration")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode m = JSON.readTree(r.body());
        assertThat(m.path("policy_decision_point").asString()).isEqualTo("http://127.0.0.1:" + port);
        assertThat(m.path("access_evaluation_endpoint").asString()).isEqualTo("http://127.0.0.1:" + port
            + "/access/v1/evaluation");
        assertThat(m.path("access_evaluations_endpoint").asString()).endsWith("/access/v1/evaluations");
    }

    @Test
    void aLeaverIsDeniedFromTheMomentHrSaysSo() throws Exception {
        Api admin = new Api("http://127.0.0.1:" + port, ADMIN);
        String scim = ScimWorkers.hire(admin, "Z1", "zoe", null);
        await().atMost(Duration.ofSeconds(10)).until(() ->
            admin.get("/api/v1/identities/Z1").json().path("state").asString().equals("ACTIVE"));
        String zoe = "{\"type\": \"user\", \"id\": \"Z1\"}";
        String access = "{\"name\": \"access\"}";
        assertThat(decide(eval(zoe, access, "{\"type\": \"target\", \"id\": \"directory\"}"))).isTrue();
        assertThat(decide(eval("{\"type\": \"user\", \"id\": \"zoe\"}", access, "{\"type\": \"target\", \"id\":"
            + " \"directory\"}"))).as("by userName").isTrue();
        assertThat(decide(eval(zoe, access, "{\"type\": \"target\", \"id\": \"crm\"}"))).as("no account there").isFalse();
        assertThat(decide(eval(zoe, access, "{\"type\": \"entitlement\", \"id\": \"directory:staff\"}"))).isTrue();
        assertThat(decide(eval(zoe, access, "{\"type\": \"entitlement\", \"id\": \"directory:admins\"}"))).isFalse();

        assertThat(admin.send("DELETE", "/scim/v2/Users/" + scim, "application/scim+json", "").status()).isEqualTo(204);
        HttpResponse<String> after = post("/access/v1/evaluation", "application/json",
            eval(zoe, access, "{\"type\": \"target\", \"id\": \"directory\"}"), null);
        JsonNode denied = JSON.readTree(after.body());
        assertThat(denied.path("decision").asBoolean()).as("denied in the same second, before any target hears").isFalse();
        assertThat(denied.path("context").path("reason").asString()).contains("TERMINATED");
    }
}
