package org.roster.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.types.UserResource;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.roster.hr.ScimSchemas;
import org.roster.support.Api;
import org.roster.support.ScimClients;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * PATCH and PUT as Entra ID, Workday and SuccessFactors send them: none answers 200 while changing
 * nothing or losing data. Driven by the UnboundID SCIM client where it can express the request, and
 * by raw HTTP for the shapes only those HR systems send.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + ScimRequestShapesTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:scim-shapes;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory"})
class ScimRequestShapesTests {

    static final String TOKEN = "scim-shapes-token-0123456789";
    private static final String PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private static final String ENTERPRISE = ScimSchemas.ENTERPRISE_USER;

    @LocalServerPort
    int port;
    private Api api;
    private ScimService scim;
    private String en;
    private String id;

    @BeforeEach
    void aWorker() throws Exception {
        api = new Api("http://127.0.0.1:" + port, TOKEN);
        scim = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
        en = "S" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(Locale.ROOT);
        id = scim.create("Users", ScimClients.user(en, en.toLowerCase(Locale.ROOT), "Sales", "employee", null)).getId();
    }

    private JsonNode patch(String operations) {
        Api.Response r = api.send("PATCH", "/scim/v2/Users/" + id, "application/scim+json",
            "{\"schemas\": [\"" + PATCH_OP + "\"], \"Operations\": " + operations + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private Api.Response patchRefused(String operations) {
        return api.send("PATCH", "/scim/v2/Users/" + id, "application/scim+json",
            "{\"schemas\": [\"" + PATCH_OP + "\"], \"Operations\": " + operations + "}");
    }

    @Test
    void pathlessValueWithDottedAndUrnQualifiedKeysChangesThoseAttributes() {
        JsonNode user = patch("""
            [{"op": "replace", "value": {"name.givenName": "Grace", "displayName": "Grace H",
               "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Research"}}]""");

        assertThat(user.path("name").path("givenName").asString()).isEqualTo("Grace");
        assertThat(user.path("displayName").asString()).isEqualTo("Grace H");
        assertThat(user.path(ENTERPRISE).path("department").asString()).isEqualTo("Research");
    }

    @Test
    void addToAFilteredEmailValueReplacesItInsteadOfAddingAnother() throws Exception {
        patch("[{\"op\": \"add\", \"path\": \"emails[type eq \\\"work\\\"].value\", \"value\": \"new."
            + en.toLowerCase(Locale.ROOT) + "@example.com\"}]");

        UserResource user = scim.retrieve("Users", id, UserResource.class);
        assertThat(user.getEmails()).hasSize(1);
        assertThat(user.getEmails().get(0).getValue()).startsWith("new.");
        assertThat(api.get("/api/v1/identities/" + en).json().path("worker").path("email").asString()).startsWith("new.");
    }

    @Test
    void managerReplacedWithAPlainStringIsTheManagersIdOrEmployeeNumber() throws Exception {
        String boss = "B" + en;
        String bossId = scim.create("Users", ScimClients.user(boss, boss.toLowerCase(Locale.ROOT), "Sales", "employee", null))
            .getId();

        JsonNode user = patch("[{\"op\": \"replace\", \"path\": \"" + ENTERPRISE + ":manager\", \"value\": \"" + boss + "\"}]");

        assertThat(user.path(ENTERPRISE).path("manager").path("value").asString()).isEqualTo(bossId);
        assertThat(api.get("/api/v1/identities/" + en).json().path("worker").path("managerEmployeeNumber").asString())
            .isEqualTo(boss);
    }

    @Test
    void entraStringBooleansAreBooleans() {
        JsonNode user = patch("[{\"op\": \"Replace\", \"path\": \"active\", \"value\": \"False\"}]");

        assertThat(user.path("active").asBoolean(true)).isFalse();
        assertThat(api.get("/api/v1/identities/" + en).json().path("state").asString()).isEqualTo("TERMINATED");
    }

    @Test
    void readOnlyAndUnknownPathsAreRefusedWithTheirScimType() {
        Api.Response readOnly = patchRefused("[{\"op\": \"replace\", \"path\": \"id\", \"value\": \"x\"}]");
        Api.Response unknown = patchRefused("[{\"op\": \"replace\", \"path\": \"nickName\", \"value\": \"x\"}]");
        Api.Response unknownInValue = patchRefused("[{\"op\": \"add\", \"value\": {\"phoneNumbers\": [{\"value\": \"1\"}]}}]");

        assertThat(readOnly.status()).isEqualTo(400);
        assertThat(readOnly.json().path("scimType").asString()).isEqualTo("mutability");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("scimType").asString()).isEqualTo("noTarget");
        assertThat(unknownInValue.json().path("scimType").asString()).isEqualTo("noTarget");
    }

    @Test
    void changingTheEmployeeNumberIsAMutabilityError() throws Exception {
        assertThatThrownBy(() -> scim.modifyRequest("Users", id)
                .replaceValue(ENTERPRISE + ":employeeNumber", "OTHER-1").invoke(UserResource.class))
            .isInstanceOf(ScimException.class)
            .satisfies(e -> assertThat(((ScimException) e).getScimError().getScimType()).isEqualTo("mutability"));
    }

    @Test
    void externalIdIsTheEmployeeNumberReturnedAndFilterable() throws Exception {
        ListResponse<UserResource> found = scim.searchRequest("Users").filter("externalId eq \"" + en + "\"")
            .invoke(UserResource.class);

        assertThat(found.getTotalResults()).isEqualTo(1);
        assertThat(found.getResources().get(0).getExternalId()).isEqualTo(en);
        assertThat(found.getResources().get(0).getId()).isEqualTo(id);
    }

    @Test
    void schemasAdvertiseOnlyWhatIsKeptAndTheEmployeeNumberAsImmutable() {
        JsonNode enterprise = api.get("/scim/v2/Schemas/" + ENTERPRISE).json();
        JsonNode core = api.get("/scim/v2/Schemas/" + ScimSchemas.USER).json();

        JsonNode employeeNumber = attribute(enterprise, "employeeNumber");
        assertThat(employeeNumber.path("mutability").asString()).isEqualTo("immutable");
        assertThat(attribute(core, "name").path("subAttributes").findValuesAsString("name"))
            .containsExactlyInAnyOrder("givenName", "familyName");
        assertThat(attribute(core, "emails").path("subAttributes").findValuesAsString("name"))
            .containsExactlyInAnyOrder("value", "type", "primary");
    }

    private static JsonNode attribute(JsonNode schema, String name) {
        for (JsonNode a : schema.path("attributes")) {
            if (a.path("name").asString().equals(name)) {
                return a;
            }
        }
        throw new AssertionError("no attribute " + name + " in " + schema.path("id"));
    }

    @Test
    void attributeNamesInFiltersAndSortAreCaseInsensitive() {
        String u = en.toLowerCase(Locale.ROOT);
        JsonNode byUpper = api.get("/scim/v2/Users?filter=" + enc("USERNAME eq \"" + u + "\"")).json();
        JsonNode byMeta = api.get("/scim/v2/Users?filter=" + enc("meta.lastmodified gt \"2000-01-01T00:00:00Z\" and"
            + " URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:EMPLOYEENUMBER eq \"" + en + "\"")).json();
        JsonNode sorted = api.get("/scim/v2/Users?sortBy=USERNAME&count=500").json();

        assertThat(byUpper.path("totalResults").asInt()).isEqualTo(1);
        assertThat(byMeta.path("totalResults").asInt()).isEqualTo(1);
        java.util.List<String> names = sorted.path("Resources").findValuesAsString("userName");
        assertThat(names).isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER);
    }

    @Test
    void attributesAndExcludedAttributesShapeTheAnswer() {
        JsonNode only = api.get("/scim/v2/Users/" + id + "?attributes=userName,name.givenName," + ENTERPRISE + ":department")
            .json();
        JsonNode without = api.get("/scim/v2/Users?filter=" + enc("id eq \"" + id + "\"")
            + "&excludedAttributes=emails,NAME").json().path("Resources").path(0);

        assertThat(only.path("id").asString()).isEqualTo(id);
        assertThat(only.path("userName").asString()).isEqualTo(en.toLowerCase(Locale.ROOT));
        assertThat(only.path("name").path("givenName").isMissingNode()).isFalse();
        assertThat(only.path("name").path("familyName").isMissingNode()).isTrue();
        assertThat(only.path("emails").isMissingNode()).isTrue();
        assertThat(only.path(ENTERPRISE).path("department").asString()).isEqualTo("Sales");
        assertThat(only.path(ENTERPRISE).path("employeeNumber").isMissingNode()).isTrue();
        assertThat(without.path("id").asString()).isEqualTo(id);
        assertThat(without.path("emails").isMissingNode()).isTrue();
        assertThat(without.path("name").isMissingNode()).isTrue();
        assertThat(without.path("userName").isMissingNode()).isFalse();
    }

    @Test
    void resourcePathsAsEntraSpellsThemAndSearchByPost() throws Exception {
        assertThat(api.get("/scim/v2/users/" + id).status()).isEqualTo(200);
        assertThat(api.get("/scim/v2/Users/" + id + "/").status()).isEqualTo(200);
        assertThat(api.get("/scim/v2/users?filter=" + enc("userName eq \"" + en.toLowerCase(Locale.ROOT) + "\"")).json()
            .path("totalResults").asInt()).isEqualTo(1);
        assertThat(api.get("/scim/v2/serviceproviderconfig").status()).isEqualTo(200);

        ListResponse<UserResource> found = scim.searchRequest("Users").filter("employeeNumber eq \"" + en + "\"")
            .attributes("userName").invokePost(UserResource.class);

        assertThat(found.getTotalResults()).isEqualTo(1);
        assertThat(found.getResources().get(0).getUserName()).isEqualTo(en.toLowerCase(Locale.ROOT));
        assertThat(found.getResources().get(0).getEmails()).isNullOrEmpty();
    }

    @Test
    void aDeletedUserIsGoneFromTheScimViewAndACreateWithItsEmployeeNumberIsARehire() throws Exception {
        scim.delete("Users", id);

        assertThat(api.get("/scim/v2/Users/" + id).status()).isEqualTo(404);
        assertThat(api.get("/scim/v2/Users?filter=" + enc("externalId eq \"" + en + "\"")).json().path("totalResults").asInt())
            .isZero();
        assertThat(api.get("/scim/v2/Users?count=500").body()).doesNotContain(id);
        assertThat(patchRefused("[{\"op\": \"replace\", \"path\": \"title\", \"value\": \"x\"}]").status()).isEqualTo(404);
        assertThat(api.send("DELETE", "/scim/v2/Users/" + id, "application/scim+json", "").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/identities/" + en).json().path("state").asString()).isEqualTo("TERMINATED");

        UserResource back = scim.create("Users", ScimClients.user(en, en.toLowerCase(Locale.ROOT), "Research", "employee", null));

        assertThat(back.getId()).isEqualTo(id);
        assertThat(back.getActive()).isTrue();
        assertThat(api.get("/scim/v2/Users/" + id).status()).isEqualTo(200);
        JsonNode identity = api.get("/api/v1/identities/" + en).json();
        assertThat(identity.path("state").asString()).isEqualTo("ACTIVE");
        assertThat(api.get("/api/v1/audit?identity=" + en + "&kind=TRANSITION").body()).contains("REHIRE");
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Test
    void malformedPatchIsRefusedWithoutNamingJavaTypes() {
        Api.Response r = patchRefused("[{\"op\": \"frobnicate\", \"path\": \"title\", \"value\": \"x\"}]");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).doesNotContain("com.unboundid").doesNotContain("PatchOpType").doesNotContain("java.");
    }
}
