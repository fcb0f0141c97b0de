package org.roster.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The OpenAPI document says what Roster is and how to authenticate; it and Swagger UI are behind the token. */
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
        assertThat(anonymous.get("/v3/api-docs").status()).isEqualTo(401);
        assertThat(anonymous.get("/swagger-ui/index.html").status()).isEqualTo(401);
        assertThat(api.get("/swagger-ui/index.html").status()).isEqualTo(200);
    }
}
