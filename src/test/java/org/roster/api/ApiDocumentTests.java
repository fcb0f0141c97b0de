package org.roster.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document says what Roster is and how to authenticate; it and Swagger UI are behind the
 * token. Every REST list has one shape: items, and the cursor of the next page.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + ApiDocumentTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:api-document;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory"})
class ApiDocumentTests {

    static final String TOKEN = "api-document-token-0123456789";

    @LocalServerPort
    int port;

    @Test
    void everyListIsItemsAndACursorThatTheSameListTakesBack() {
        Api api = new Api("http://127.0.0.1:" + port, TOKEN);
        for (int i = 0; i < 3; i++) {
            api.send("POST", "/scim/v2/Users", "application/scim+json", """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                 "userName": "page%1$d", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
                 {"employeeNumber": "PG%1$d"}}""".formatted(i));
        }

        JsonNode first = api.get("/api/v1/identities?size=2").json();
        JsonNode second = api.get("/api/v1/identities?size=2&cursor=" + first.path("next").asString()).json();
        JsonNode audit = api.get("/api/v1/audit?size=2").json();
        JsonNode auditNext = api.get("/api/v1/audit?size=2&cursor=" + audit.path("next").asString()).json();

        assertThat(first.path("items").size()).isEqualTo(2);
        assertThat(first.path("total").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(second.path("items").size()).isGreaterThanOrEqualTo(1);
        assertThat(second.path("items").get(0).path("employeeNumber").asString())
            .isNotIn(first.path("items").findValuesAsString("employeeNumber"));
        assertThat(auditNext.path("items").get(0).path("seq").asLong())
            .isGreaterThan(audit.path("items").get(1).path("seq").asLong());
        for (String list : java.util.List.of("/api/v1/exceptions", "/api/v1/jit-requests", "/api/v1/access-reviews",
                "/api/v1/holds", "/api/v1/quarantine", "/api/v1/hr/reviews", "/api/v1/hr/pending-references",
                "/api/v1/sponsored-identities")) {
            JsonNode page = api.get(list).json();
            assertThat(page.isObject()).as(list).isTrue();
            assertThat(page.has("items") && page.has("next")).as(list + ": " + page).isTrue();
        }
        Api.Response bad = api.get("/api/v1/identities?cursor=nonsense");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("field").asString()).isEqualTo("cursor");
    }

    @Test
    void theDocumentHasATitleADescriptionAndTheBearerSchemeAndSwaggerUiNeedsTheToken() {
        String base = "http://127.0.0.1:" + port;
        Api api = new Api(base, TOKEN);
        Api anonymous = new Api(base, null);

        JsonNode doc = api.get("/v3/api-docs").json();

        assertThat(doc.path("info").path("title").asString()).isEqualTo("Roster API");
        assertThat(doc.path("info").path("description").asString()).contains("Authorization: Bearer");
        assertThat(doc.path("components").path("securitySchemes").path("bearer").path("scheme").asString())
            .isEqualTo("bearer");
        assertThat(doc.path("security").toString()).contains("bearer");
        assertThat(doc.path("paths").path("/api/v1/exceptions").path("post").path("requestBody").toString())
            .contains("Quarter close, ticket FIN-1234");
        assertThat(anonymous.get("/v3/api-docs").status()).isEqualTo(401);
        assertThat(anonymous.get("/swagger-ui/index.html").status()).isEqualTo(401);
        assertThat(api.get("/swagger-ui/index.html").status()).isEqualTo(200);
    }
}
