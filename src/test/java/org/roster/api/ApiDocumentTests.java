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
            hire(api, "PG" + i, "page" + i, null);
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
        for (String list : java.util.List.of("/api/v1/identities", "/api/v1/exceptions", "/api/v1/jit-requests",
                "/api/v1/access-reviews", "/api/v1/holds", "/api/v1/quarantine", "/api/v1/hr/reviews",
                "/api/v1/hr/pending-references", "/api/v1/sponsored-identities", "/api/v1/principals",
                "/api/v1/notifications", "/api/v1/nhi", "/api/v1/certifications", "/api/v1/tasks")) {
            // page × size past what an int holds: an empty last page, not a negative offset sent to the store
            for (String far : java.util.List.of("?page=4294968&size=500", "?cursor=p999999999&size=500")) {
                Api.Response beyond = api.get(list + far);
                assertThat(beyond.status()).as(list + far + ": " + beyond.body()).isEqualTo(200);
                assertThat(beyond.json().path("items").size()).as(list + far).isZero();
                assertThat(beyond.json().path("next").isNull()).as(list + far + ": " + beyond.body()).isTrue();
            }
        }
        // a cursor naming an item no longer there (or never): the list ends there, read by each list's own query
        String gone = cursor("no-such-item");
        for (String list : java.util.List.of("/api/v1/quarantine", "/api/v1/hr/reviews", "/api/v1/nhi",
                "/api/v1/nhi?state=ACTIVE")) {
            assertEmptyAfter(api, list, gone);
        }
        // lists in time order carry the last item's time and id: after the newest there is nothing, and
        // before the oldest (the tasks, soonest due first) nothing either
        String past = cursor("1970-01-01T00:00:00Z zzz");
        String future = cursor("9999-01-01T00:00:00Z ");
        for (String list : java.util.List.of("/api/v1/exceptions", "/api/v1/jit-requests", "/api/v1/access-reviews",
                "/api/v1/holds", "/api/v1/holds?status=OPEN", "/api/v1/notifications", "/api/v1/certifications",
                "/api/v1/certifications?status=OPEN")) {
            assertEmptyAfter(api, list, past);
            Api.Response malformed = api.get(list + (list.contains("?") ? "&" : "?") + "cursor=" + gone);
            assertThat(malformed.status()).as(list).isEqualTo(400);
            assertThat(malformed.json().path("field").asString()).isEqualTo("cursor");
        }
        for (String list : java.util.List.of("/api/v1/tasks", "/api/v1/tasks?status=OPEN")) {
            assertEmptyAfter(api, list, cursor("9999-01-01T00:00:00Z zzz"));
        }
        assertThat(api.get("/api/v1/holds?cursor=" + future).status()).as("a position without an id").isEqualTo(400);
        // lists by a name or an employee number: after the last one, nothing
        for (String list : java.util.List.of("/api/v1/principals", "/api/v1/sponsored-identities")) {
            assertEmptyAfter(api, list, cursor("\uffff"));
        }
        for (String nonsense : java.util.List.of("nonsense", "k", "k!!", "k" + "A".repeat(400), "p1234567890")) {
            Api.Response bad = api.get("/api/v1/identities?cursor=" + nonsense);
            assertThat(bad.status()).as(nonsense).isEqualTo(400);
            assertThat(bad.json().path("field").asString()).isEqualTo("cursor");
        }
    }

    private static void hire(Api api, String employeeNumber, String userName, @org.jspecify.annotations.Nullable String displayName) {
        Api.Response r = api.send("POST", "/scim/v2/Users", "application/scim+json", """
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "userName": "%s",%s "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
             {"employeeNumber": "%s"}}""".formatted(userName,
            displayName == null ? "" : " \"displayName\": \"" + displayName + "\",", employeeNumber));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private static String cursor(String key) {
        return "k" + java.util.Base64.getUrlEncoder().withoutPadding()
            .encodeToString(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void assertEmptyAfter(Api api, String list, String cursor) {
        Api.Response after = api.get(list + (list.contains("?") ? "&" : "?") + "cursor=" + cursor);
        assertThat(after.status()).as(list + ": " + after.body()).isEqualTo(200);
        assertThat(after.json().path("items").size()).as(list).isZero();
        assertThat(after.json().path("total").isNull()).as(list).isTrue();
    }

    @Test
    void walkingTheIdentitiesPageByPageGivesEachOnceInEmployeeNumberOrder() {
        Api api = new Api("http://127.0.0.1:" + port, TOKEN);
        for (int i = 0; i < 7; i++) {
            hire(api, "WK" + i, "walk" + i, "Walk Er" + i);
        }
        JsonNode first = api.get("/api/v1/identities?size=3").json();
        long total = first.path("total").asLong();
        java.util.List<String> seen = new java.util.ArrayList<>(first.path("items").findValuesAsString("employeeNumber"));
        String next = first.path("next").asString();
        while (next != null) {
            JsonNode page = api.get("/api/v1/identities?size=3&cursor=" + next).json();
            assertThat(page.path("total").isNull()).as("counted once, for the list asked without a cursor").isTrue();
            seen.addAll(page.path("items").findValuesAsString("employeeNumber"));
            next = page.path("next").isNull() ? null : page.path("next").asString();
        }
        assertThat(seen).hasSize((int) total).doesNotHaveDuplicates().isSorted()
            .contains("WK0", "WK6");
        assertThat(first.path("items").get(0).has("userName")).isTrue();
        JsonNode walker = api.get("/api/v1/identities?size=500").json().path("items");
        java.util.List<String> names = new java.util.ArrayList<>();
        walker.forEach(i -> {
            if (i.path("employeeNumber").asString().startsWith("WK")) {
                names.add(i.path("userName").asString() + " " + i.path("displayName").asString());
            }
        });
        assertThat(names).containsExactly("walk0 Walk Er0", "walk1 Walk Er1", "walk2 Walk Er2", "walk3 Walk Er3",
            "walk4 Walk Er4", "walk5 Walk Er5", "walk6 Walk Er6");
        // page= still reads by offset, and its next goes on from there
        JsonNode second = api.get("/api/v1/identities?size=3&page=1").json();
        assertThat(second.path("items").findValuesAsString("employeeNumber")).isEqualTo(seen.subList(3, 6));
        JsonNode third = api.get("/api/v1/identities?size=3&cursor=" + second.path("next").asString()).json();
        assertThat(third.path("items").findValuesAsString("employeeNumber")).isEqualTo(seen.subList(6, Math.min(9, seen.size())));
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
