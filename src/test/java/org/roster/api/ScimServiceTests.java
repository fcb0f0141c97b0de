package org.roster.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.types.ResourceTypeResource;
import com.unboundid.scim2.common.types.SchemaResource;
import com.unboundid.scim2.common.types.ServiceProviderConfigResource;
import com.unboundid.scim2.common.types.UserResource;
import java.util.UUID;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.roster.hr.ScimSchemas;
import org.roster.support.Api;
import org.roster.support.ScimClients;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The SCIM service's contract with HR systems: discovery, filtering, and what happens to bad input. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + ScimServiceTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:scim-service;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory"})
class ScimServiceTests {

    static final String TOKEN = "scim-token-0123456789abcdef";

    @LocalServerPort
    int port;

    private Api api;
    private ScimService scim;

    @BeforeEach
    void clients() {
        api = new Api("http://127.0.0.1:" + port, TOKEN);
        scim = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
    }

    private static String validUser(String employeeNumber, String userName) {
        return """
            {"schemas": ["%s", "%s", "%s"], "userName": "%s",
             "%s": {"employeeNumber": "%s", "department": "Engineering"},
             "%s": {"workerType": "employee", "startDate": "2024-01-08"}}
            """.formatted(ScimSchemas.USER, ScimSchemas.ENTERPRISE_USER, ScimSchemas.WORKER, userName,
            ScimSchemas.ENTERPRISE_USER, employeeNumber, ScimSchemas.WORKER);
    }

    private long users() {
        return api.get("/scim/v2/Users?count=0").json().path("totalResults").asLong();
    }

    private void assertScimError(Api.Response r, int status, String... detailContains) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/scim+json");
        JsonNode body = r.json();
        assertThat(body.path("schemas").path(0).stringValue()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
        assertThat(body.path("status").asString()).isEqualTo(String.valueOf(status));
        assertThat(body.path("detail").stringValue()).contains(detailContains);
    }

    private Api.Response post(String body) {
        return api.send("POST", "/scim/v2/Users", "application/scim+json", body);
    }

    @Test
    void malformedJsonIsRefusedAndNothingIsStored() {
        long before = users();
        Api.Response r = post("{\"schemas\": [");
        assertScimError(r, 400, "not valid JSON");
        assertThat(r.json().path("scimType").stringValue()).isEqualTo("invalidSyntax");
        assertThat(users()).isEqualTo(before);
    }

    @Test
    void unknownSchemaIsRefusedNamingTheSchema() {
        long before = users();
        String body = validUser("S1", "s1").replace("\"" + ScimSchemas.WORKER + "\"]",
            "\"" + ScimSchemas.WORKER + "\", \"urn:example:params:scim:schemas:Mystery\"]");
        assertScimError(post(body), 400, "urn:example:params:scim:schemas:Mystery");
        assertThat(users()).isEqualTo(before);
    }

    @Test
    void missingUserNameIsRefusedNamingTheField() {
        assertScimError(post(validUser("S2", "s2").replace("\"userName\": \"s2\",", "")), 400, "userName", "required");
    }

    @Test
    void missingEmployeeNumberIsRefusedNamingTheField() {
        assertScimError(post(validUser("S3", "s3").replace("\"employeeNumber\": \"S3\",", "")), 400,
            ScimSchemas.ENTERPRISE_USER + ":employeeNumber");
    }

    @Test
    void invalidDateIsRefusedNamingTheFieldAndValue() {
        assertScimError(post(validUser("S4", "s4").replace("2024-01-08", "2024-02-30")), 400,
            ScimSchemas.WORKER + ":startDate", "2024-02-30");
    }

    @Test
    void endDateBeforeStartDateIsRefused() {
        assertScimError(post(validUser("S9", "s9").replace("\"startDate\": \"2024-01-08\"",
            "\"startDate\": \"2024-01-08\", \"endDate\": \"2023-12-31\"")), 400, "endDate");
    }

    @Test
    void managerWhoArrivesLaterIsPendingThenResolved() {
        String body = validUser("S5", "s5").replace("\"department\": \"Engineering\"",
            "\"department\": \"Engineering\", \"manager\": {\"value\": \"LATE-7\"}");
        assertThat(post(body).status()).isEqualTo(201);
        assertThat(api.get("/api/v1/hr/pending-references").json().path("items").toString())
            .contains("\"employeeNumber\":\"S5\"").contains("\"reference\":\"LATE-7\"");
        assertThat(api.get("/api/v1/identities/S5").json().path("worker").path("managerEmployeeNumber").stringValue())
            .isEqualTo("LATE-7");

        assertThat(post(validUser("LATE-7", "late7")).status()).isEqualTo(201);

        assertThat(api.get("/api/v1/hr/pending-references").json().path("items").toString()).doesNotContain("LATE-7");
        assertThat(api.get("/api/v1/audit?identity=S5").json().path("items").toString())
            .contains("REFERENCE_PENDING").contains("REFERENCE_RESOLVED");
    }

    @Test
    void managerCycleIsRefusedNamingTheChain() {
        assertThat(post(validUser("CY1", "cy1")).status()).isEqualTo(201);
        String second = validUser("CY2", "cy2").replace("\"department\": \"Engineering\"",
            "\"department\": \"Engineering\", \"manager\": {\"value\": \"CY1\"}");
        assertThat(post(second).status()).isEqualTo(201);
        String id = api.get("/scim/v2/Users?filter=userName%20eq%20%22cy1%22").json().path("Resources").path(0)
            .path("id").stringValue();

        Api.Response r = api.send("PATCH", "/scim/v2/Users/" + id, "application/scim+json", """
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "replace", "path": "%s:manager.value", "value": "CY2"}]}
            """.formatted(ScimSchemas.ENTERPRISE_USER));

        assertScimError(r, 400, "manager", "CY1 -> CY2 -> CY1");
    }

    /** A new user closes a cycle through a worker whose reference to them was kept pending: refused, nothing stored. */
    @Test
    void aNewUserClosingAManagerCycleThroughAPendingReferenceIsRefused() {
        String first = validUser("CY3", "cy3").replace("\"department\": \"Engineering\"",
            "\"department\": \"Engineering\", \"manager\": {\"value\": \"CY4\"}");
        assertThat(post(first).status()).isEqualTo(201);
        String second = validUser("CY4", "cy4").replace("\"department\": \"Engineering\"",
            "\"department\": \"Engineering\", \"manager\": {\"value\": \"CY3\"}");

        assertScimError(post(second), 400, "manager", "CY4 -> CY3 -> CY4");
        assertThat(api.get("/api/v1/identities/CY4").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/hr/pending-references").json().path("items").toString())
            .contains("\"employeeNumber\":\"CY3\"").contains("\"reference\":\"CY4\"");
    }

    @Test
    void duplicateUserNameIsAConflictAndTheFirstWorkerIsUntouched() {
        String name = "dup-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(post(validUser("D1" + name.substring(4), name)).status()).isEqualTo(201);

        Api.Response r = post(validUser("D2" + name.substring(4), name.toUpperCase(java.util.Locale.ROOT)));

        assertScimError(r, 409, "userName");
        assertThat(r.json().path("scimType").stringValue()).isEqualTo("uniqueness");
        JsonNode found = api.get("/scim/v2/Users?filter=userName%20eq%20%22" + name + "%22").json();
        assertThat(found.path("totalResults").asInt()).isEqualTo(1);
        assertThat(found.path("Resources").path(0).path(ScimSchemas.ENTERPRISE_USER).path("employeeNumber").stringValue())
            .isEqualTo("D1" + name.substring(4));
    }

    @Test
    void wrongTokenIsRefusedWithAScimErrorAndNothingIsStored() {
        long before = users();
        Api.Response r = api.withToken("not-the-token-at-all", "POST", "/scim/v2/Users", validUser("S6", "s6"));
        assertScimError(r, 401, "not valid");
        assertThat(users()).isEqualTo(before);
    }

    @Test
    void missingTokenIsRefusedAskingForBearer() {
        long before = users();
        Api.Response r = new Api("http://127.0.0.1:" + port, null).send("POST", "/scim/v2/Users",
            "application/scim+json", validUser("S7", "s7"));
        assertScimError(r, 401, "bearer token");
        assertThat(users()).isEqualTo(before);
    }

    @Test
    void unknownUserIsNotFound() {
        assertScimError(api.get("/scim/v2/Users/" + UUID.randomUUID()), 404, "no User");
    }

    @Test
    void patchWithAnInvalidValueChangesNothing() throws Exception {
        UserResource u = scim.create("Users", ScimClients.user("P1", "p1", "Sales", "employee", null));
        Api.Response r = api.send("PATCH", "/scim/v2/Users/" + u.getId(), "application/scim+json", """
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "replace", "path": "%s:endDate", "value": "yesterday"}]}
            """.formatted(ScimSchemas.WORKER));
        assertScimError(r, 400, "endDate", "yesterday");
        assertThat(scim.retrieve("Users", u.getId(), UserResource.class).getMeta().getVersion()).isEqualTo("W/\"1\"");
    }

    @Test
    void filtersWorkOnCoreAndExtensionAttributes() throws Exception {
        scim.create("Users", ScimClients.user("F1", "filter-one", "Legal", "employee", null));
        scim.create("Users", ScimClients.user("F2", "filter-two", "Legal", "contractor", null));

        ListResponse<UserResource> byName = scim.searchRequest("Users").filter("userName eq \"filter-one\"")
            .invoke(UserResource.class);
        ListResponse<UserResource> byDepartment = scim.searchRequest("Users")
            .filter(ScimSchemas.ENTERPRISE_USER + ":department eq \"Legal\" and " + ScimSchemas.WORKER
                + ":workerType eq \"contractor\"").invoke(UserResource.class);

        assertThat(byName.getResources()).extracting(UserResource::getUserName).containsExactly("filter-one");
        assertThat(byDepartment.getResources()).extracting(UserResource::getUserName).containsExactly("filter-two");
    }

    @Test
    void lookupsByUniqueKeyFollowScimMatchingRules() throws Exception {
        scim.create("Users", ScimClients.user("K1", "key-one", "Risk", "employee", null));
        scim.create("Users", ScimClients.user("K2", "key-two", "Risk", "contractor", null));

        // userName is case-insensitive (RFC 7643 §4.1.1); the rest of an "and" still applies.
        assertThat(names("userName eq \"KEY-ONE\"")).containsExactly("key-one");
        assertThat(names("userName eq \"key-one\" and " + ScimSchemas.WORKER + ":workerType eq \"contractor\"")).isEmpty();
        assertThat(names(ScimSchemas.ENTERPRISE_USER + ":employeeNumber eq \"K2\"")).containsExactly("key-two");
        assertThat(names("userName eq \"nobody\"")).isEmpty();
        // Sorted and paged over a scan: the second page of one holds the second name.
        ListResponse<UserResource> second = scim.searchRequest("Users").filter("userName sw \"key-\"")
            .sort("userName", com.unboundid.scim2.common.messages.SortOrder.DESCENDING).page(2, 1)
            .invoke(UserResource.class);
        assertThat(second.getTotalResults()).isEqualTo(2);
        assertThat(second.getResources()).extracting(UserResource::getUserName).containsExactly("key-one");
    }

    private List<String> names(String filter) throws Exception {
        return scim.searchRequest("Users").filter(filter).invoke(UserResource.class).getResources().stream()
            .map(UserResource::getUserName).toList();
    }

    @Test
    void managerIsAcceptedByScimIdOrEmployeeNumber() throws Exception {
        UserResource boss = scim.create("Users", ScimClients.user("M1", "boss", "Legal", "employee", null));
        UserResource a = scim.create("Users", ScimClients.user("M2", "report-a", "Legal", "employee", boss.getId()));
        UserResource b = scim.create("Users", ScimClients.user("M3", "report-b", "Legal", "employee", "M1"));

        assertThat(api.get("/api/v1/identities/M2").json().path("worker").path("managerEmployeeNumber").stringValue())
            .isEqualTo("M1");
        assertThat(api.get("/api/v1/identities/M3").json().path("worker").path("managerEmployeeNumber").stringValue())
            .isEqualTo("M1");
        // Written back as the manager's SCIM id, as RFC 7643 defines it.
        assertThat(scim.retrieve("Users", a.getId(), UserResource.class)
            .getExtension(com.unboundid.scim2.common.types.EnterpriseUserExtension.class).getManager().getValue())
            .isEqualTo(boss.getId());
        assertThat(b.getId()).isNotEqualTo(a.getId());
    }

    @Test
    void discoveryTellsTheTruthToTheSdkClient() throws Exception {
        ServiceProviderConfigResource config = scim.getServiceProviderConfig();
        assertThat(config.getPatch().isSupported()).isTrue();
        assertThat(config.getFilter().isSupported()).isTrue();
        assertThat(config.getBulk().isSupported()).isTrue();
        assertThat(config.getBulk().getMaxOperations()).isEqualTo(100);
        assertThat(config.getSort().isSupported()).isTrue();
        assertThat(config.getEtag().isSupported()).isTrue();
        assertThat(config.getChangePassword().isSupported()).isFalse();
        assertThat(config.getAuthenticationSchemes()).singleElement()
            .satisfies(s -> assertThat(s.getType()).isEqualTo("oauthbearertoken"));

        ListResponse<ResourceTypeResource> types = scim.getResourceTypes();
        assertThat(types.getResources()).extracting(ResourceTypeResource::getName).containsExactly("User");

        ListResponse<SchemaResource> schemas = scim.getSchemas();
        assertThat(schemas.getResources()).extracting(SchemaResource::getId)
            .containsExactly(ScimSchemas.USER, ScimSchemas.ENTERPRISE_USER, ScimSchemas.WORKER);
        SchemaResource worker = scim.getSchema(ScimSchemas.WORKER);
        assertThat(worker.getAttributes()).extracting(a -> a.getName())
            .containsExactly("workerType", "employmentStatus", "startDate", "endDate", "endTime", "location", "timeZone",
                "terminationReason", "personalEmail", "dateOfBirth", "nationalId");
    }

    @Test
    void restApiAnswersProblemDetails() {
        Api anonymous = new Api("http://127.0.0.1:" + port, null);
        Api.Response unauthorized = anonymous.get("/api/v1/identities");
        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(unauthorized.contentType()).startsWith("application/problem+json");
        assertThat(unauthorized.json().path("detail").stringValue()).contains("bearer token");

        Api.Response badState = api.get("/api/v1/identities?state=RETIRED");
        assertThat(badState.status()).isEqualTo(400);
        assertThat(badState.json().path("field").stringValue()).isEqualTo("state");

        assertThat(api.get("/api/v1/identities?size=0").json().path("field").stringValue()).isEqualTo("size");
        assertThat(api.get("/api/v1/audit?from=yesterday").json().path("field").stringValue()).isEqualTo("from");
        assertThat(api.get("/api/v1/identities/NOBODY").status()).isEqualTo(404);
    }

    @Test
    void returningWorkerUnderANewEmployeeNumberIsReportedForReviewNotSilentlyDuplicated() {
        String personal = "\"personalEmail\": \"Jo.Returner@Mail.example\", \"dateOfBirth\": \"1990-04-01\", ";
        assertThat(post(validUser("RH1", "jo.returner").replace("\"workerType\": \"employee\", ",
            "\"workerType\": \"employee\", " + personal + "\"employmentStatus\": \"terminated\", ")).status())
            .isEqualTo(201);

        Api.Response back = post(validUser("RH2", "jo.returner2").replace("\"workerType\": \"employee\", ",
            "\"workerType\": \"employee\", " + personal.replace("Jo.Returner@Mail.example", "jo.returner@mail.example ")));

        assertThat(back.status()).isEqualTo(201);
        assertThat(back.body()).doesNotContain("personalEmail").doesNotContain("1990-04-01");
        JsonNode reviews = api.get("/api/v1/hr/reviews?status=OPEN").json().path("items");
        JsonNode review = null;
        for (JsonNode r : reviews) {
            if ("RH2".equals(r.path("employeeNumber").stringValue())) {
                review = r;
            }
        }
        assertThat(review).isNotNull();
        assertThat(review.path("kind").stringValue()).isEqualTo("REHIRE_MATCH");
        assertThat(review.path("related").stringValue()).isEqualTo("RH1");
        assertThat(api.get("/api/v1/audit?identity=RH1").json().toString()).contains("REHIRE_SUSPECTED");
        assertThat(api.get("/api/v1/identities/RH2").json().path("worker").path("matchKey").isNull()).isTrue();

        String id = review.path("id").stringValue();
        Api.Response resolved = api.send("POST", "/api/v1/hr/reviews/" + id + "/resolve", "application/json",
            "{\"resolution\": \"same-person\", \"note\": \"rehired after a year away\"}");
        assertThat(resolved.status()).as(resolved.body()).isEqualTo(200);
        assertThat(resolved.json().path("status").stringValue()).isEqualTo("RESOLVED");
        assertThat(api.send("POST", "/api/v1/hr/reviews/" + id + "/resolve", "application/json",
            "{\"resolution\": \"same-person\"}").status()).isEqualTo(409);
        assertThat(api.send("POST", "/api/v1/hr/reviews/" + id + "/resolve", "application/json",
            "{\"resolution\": \"maybe\"}").status()).isEqualTo(400);
    }

    @Test
    void apiTokensAreStoredOnlyAsHashes(@org.springframework.beans.factory.annotation.Autowired
                                        org.springframework.jdbc.core.simple.JdbcClient jdbc) {
        java.util.List<String> stored = jdbc.sql("select token_hash from api_token").query(String.class).list();
        assertThat(stored).hasSize(1).allSatisfy(h -> assertThat(h).hasSize(64).doesNotContain(TOKEN));
        assertThat(jdbc.sql("select count(*) from api_token where token_hash = ? or name = ?")
            .params(TOKEN, TOKEN).query(Long.class).single()).isZero();
    }

    @Test
    void healthIsOpenButMetricsNeedAToken() {
        Api anonymous = new Api("http://127.0.0.1:" + port, null);
        assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/prometheus").status()).isEqualTo(401);
        assertThat(api.get("/actuator/prometheus").status()).isEqualTo(200);
        assertThat(anonymous.get("/v3/api-docs").status()).isEqualTo(401);
        assertThat(api.get("/v3/api-docs").json().path("paths").has("/api/v1/identities")).isTrue();
    }
}
