package org.roster.hr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.Slapd;
import org.roster.support.TestTargets;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A leaver comes back only when HR says so: a SCIM PUT that omits {@code active}, a PATCH that
 * removes it, a webhook that clears the status, a snapshot row with an empty status cell leave the
 * worker terminated and the real OpenLDAP account disabled; {@code active: true}, an active status
 * or a new start date bring them back, and the audit names the field.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + ReturnOnlyWhenHrSaysTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:returns;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.hr.sources[0].name=workday",
    "roster.hr.sources[0].type=webhook",
    "roster.hr.sources[0].secret=" + ReturnOnlyWhenHrSaysTests.SECRET,
    "roster.hr.sources[1].name=feed",
    "roster.hr.sources[1].type=snapshot",
    "roster.plan.guard.enabled=false"})
class ReturnOnlyWhenHrSaysTests {

    static final String TOKEN = "returns-token-0123456789abcdef";
    static final String SECRET = "returns-webhook-secret-for-tests";
    private static final Duration PROPAGATION = Duration.ofSeconds(20);
    private static final String PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    @LocalServerPort
    int port;
    private Api api;

    @DynamicPropertySource
    static void directory(DynamicPropertyRegistry r) {
        TestTargets.ldapDirectory(r, Slapd.shared());
    }

    @BeforeEach
    void client() {
        api = new Api("http://127.0.0.1:" + port, TOKEN);
    }

    @Test
    void scimPutThatOmitsActiveLeavesTheLeaverGone() {
        String en = newEmployeeNumber();
        String id = joinThenLeave(en);

        Api.Response put = api.send("PUT", "/scim/v2/Users/" + id, "application/scim+json", user(en, null, null, "Director"));

        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().path("active").asBoolean()).isFalse();
        assertStillGone(en);
        assertThat(api.get("/api/v1/identities/" + en).json().path("worker").path("title").asString()).isEqualTo("Director");
    }

    @Test
    void scimPatchThatRemovesActiveLeavesTheLeaverGone() {
        String en = newEmployeeNumber();
        String id = joinThenLeave(en);

        Api.Response patch = api.send("PATCH", "/scim/v2/Users/" + id, "application/scim+json", """
            {"schemas": ["%s"], "Operations": [{"op": "remove", "path": "active"}]}""".formatted(PATCH));

        assertThat(patch.status()).as(patch.body()).isEqualTo(200);
        assertThat(patch.json().path("active").asBoolean()).isFalse();
        assertStillGone(en);
    }

    @Test
    void scimPutWithActiveTrueBringsTheLeaverBackAndTheAuditNamesTheField() {
        String en = newEmployeeNumber();
        String id = joinThenLeave(en);

        Api.Response put = api.send("PUT", "/scim/v2/Users/" + id, "application/scim+json", user(en, true, null, null));

        assertThat(put.status()).as(put.body()).isEqualTo(200);
        await().atMost(PROPAGATION).until(() -> enabled(en));
        assertThat(state(en)).isEqualTo("ACTIVE");
        assertThat(lastHrEvent(en)).contains("return signalled by active = true");
    }

    @Test
    void aStartDateAfterTheTerminationIsAReturnEvenWithoutActive() {
        String en = newEmployeeNumber();
        String id = joinThenLeave(en);
        String past = java.time.LocalDate.now().minusDays(30).toString();
        String future = java.time.LocalDate.now().plusDays(30).toString();

        Api.Response before = api.send("PUT", "/scim/v2/Users/" + id, "application/scim+json", user(en, null, past, null));
        assertThat(before.status()).as(before.body()).isEqualTo(200);
        assertStillGone(en);
        Api.Response put = api.send("PUT", "/scim/v2/Users/" + id, "application/scim+json", user(en, null, future, null));

        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().path("active").asBoolean()).isTrue();
        assertThat(state(en)).isEqualTo("PRE_HIRE");
        assertThat(transitions(en)).anyMatch(t -> t.startsWith("REHIRE"));
        assertThat(lastHrEvent(en)).contains("return signalled by startDate = " + future);
    }

    @Test
    void webhookThatClearsTheStatusLeavesTheLeaverGone() throws Exception {
        String en = newEmployeeNumber();
        webhook(en, "{\"userName\": \"" + en.toLowerCase(Locale.ROOT) + "\", \"department\": \"Sales\"}");
        await().atMost(PROPAGATION).until(() -> enabled(en));
        webhook(en, "{\"employmentStatus\": \"terminated\"}");
        await().atMost(PROPAGATION).until(() -> !enabled(en));

        webhook(en, "{\"employmentStatus\": null, \"title\": \"Rep\"}");

        assertStillGone(en);
        webhook(en, "{\"employmentStatus\": \"active\"}");
        await().atMost(PROPAGATION).until(() -> enabled(en));
        assertThat(lastHrEvent(en)).contains("return signalled by employmentStatus = active");
    }

    @Test
    void snapshotRowWithAnEmptyStatusCellLeavesTheLeaverGone() {
        String en = newEmployeeNumber();
        String u = en.toLowerCase(Locale.ROOT);
        snapshot("employeeNumber,userName,department,employmentStatus\n" + en + "," + u + ",Sales,active\n");
        await().atMost(PROPAGATION).until(() -> enabled(en));
        snapshot("employeeNumber,userName,department,employmentStatus\n" + en + "," + u + ",Sales,terminated\n");
        await().atMost(PROPAGATION).until(() -> !enabled(en));

        snapshot("employeeNumber,userName,department,employmentStatus\n" + en + "," + u + ",Marketing,\n");

        assertStillGone(en);
        assertThat(api.get("/api/v1/identities/" + en).json().path("worker").path("department").asString())
            .isEqualTo("Marketing");
    }

    private String joinThenLeave(String en) {
        Api.Response created = api.send("POST", "/scim/v2/Users", "application/scim+json", user(en, true, null, null));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        await().atMost(PROPAGATION).until(() -> enabled(en));
        Api.Response leave = api.send("PATCH", "/scim/v2/Users/" + id, "application/scim+json", """
            {"schemas": ["%s"], "Operations": [{"op": "replace", "path": "active", "value": false}]}""".formatted(PATCH));
        assertThat(leave.status()).as(leave.body()).isEqualTo(200);
        await().atMost(PROPAGATION).until(() -> !enabled(en));
        return id;
    }

    /** Terminated in Roster, no return in the audit, and the directory account still disabled once the outbox is idle. */
    private void assertStillGone(String en) {
        assertThat(state(en)).isEqualTo("TERMINATED");
        assertThat(transitions(en)).noneMatch(t -> t.startsWith("REHIRE"));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !enabled(en));
    }

    private String state(String en) {
        return api.get("/api/v1/identities/" + en).json().path("state").asString();
    }

    private List<String> transitions(String en) {
        return audit(en).stream().filter(a -> a.path("entry").path("kind").asString().equals("TRANSITION"))
            .map(a -> a.path("entry").path("detail").asString()).toList();
    }

    private String lastHrEvent(String en) {
        return audit(en).stream().filter(a -> a.path("entry").path("kind").asString().equals("HR_EVENT"))
            .map(a -> a.path("entry").path("detail").asString()).reduce((a, b) -> b).orElse("");
    }

    private List<JsonNode> audit(String en) {
        List<JsonNode> all = new java.util.ArrayList<>();
        api.get("/api/v1/audit?size=500&identity=" + en).json().path("items").forEach(all::add);
        return all;
    }

    private static boolean enabled(String en) {
        return Slapd.shared().canSignIn(en);
    }

    private void snapshot(String csv) {
        Api.Response r = api.send("POST", "/api/v1/hr/snapshots?source=feed", "text/csv", csv);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private void webhook(String en, String changes) throws Exception {
        String body = "{\"eventId\": \"" + UUID.randomUUID() + "\", \"employeeNumber\": \"" + en + "\", \"changes\": "
            + changes + "}";
        HttpResponse<String> r = org.roster.support.Webhooks.deliver("http://127.0.0.1:" + port, "workday", SECRET, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("QUARANTINED");
    }

    private static String newEmployeeNumber() {
        return "R" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(Locale.ROOT);
    }

    /** A whole SCIM User as an HR system PUTs it: {@code active}, start date and title only when given. */
    private static String user(String en, Boolean active, String startDate, String title) {
        String u = en.toLowerCase(Locale.ROOT);
        return """
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
                         "urn:roster:params:scim:schemas:extension:worker:2.0:User"],
             "userName": "%s", "name": {"givenName": "Given", "familyName": "%s"}, %s %s
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "%s", "department": "Sales"},
             "urn:roster:params:scim:schemas:extension:worker:2.0:User": {"workerType": "employee"%s}}
            """.formatted(u, en, active == null ? "" : "\"active\": " + active + ",",
            title == null ? "" : "\"title\": \"" + title + "\",", en,
            startDate == null ? "" : ", \"startDate\": \"" + startDate + "\"");
    }
}
