package org.roster.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Bytes that are not UTF-8, NUL and other control characters are refused on every HR input with an
 * error naming the field, and nothing of the request is stored.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + HostileTextTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:hostile-text;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.hr.sources[0].name=feed",
    "roster.hr.sources[0].type=snapshot"})
class HostileTextTests {

    static final String TOKEN = "hostile-text-token-0123456789";
    private static final String ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    @LocalServerPort
    int port;

    @Test
    void scimUserWithBytesThatAreNotUtf8IsRefusedNamingTheField() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\", \"" + ENTERPRISE + "\"],"
            + " \"userName\": \"hx1\", \"name\": {\"givenName\": \"Ad").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
        body.writeBytes(("a\"}, \"" + ENTERPRISE + "\": {\"employeeNumber\": \"HX1\"}}").getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> r = post("/scim/v2/Users", body.toByteArray());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("name.givenName").contains("not valid UTF-8");
        assertThat(new Api(base(), TOKEN).get("/scim/v2/Users?filter=userName%20eq%20%22hx1%22").json()
            .path("totalResults").asInt()).isZero();
    }

    @Test
    void scimUserWithANulCharacterIsRefusedNamingTheField() throws Exception {
        String body = "{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\", \"" + ENTERPRISE + "\"],"
            + " \"userName\": \"hx2\", \"" + ENTERPRISE + "\": {\"employeeNumber\": \"HX2\", \"department\": \"Fin\\u0000ance\"}}";

        HttpResponse<String> r = post("/scim/v2/Users", body.getBytes(StandardCharsets.UTF_8));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains(ENTERPRISE + ":department").contains("control character U+0000");
        assertThat(new Api(base(), TOKEN).get("/api/v1/identities/HX2").status()).isEqualTo(404);
    }

    @Test
    void aDepartmentThatMakesAnInvalidGroupNameIsRefusedNamingTheField() throws Exception {
        String body = "{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\", \"" + ENTERPRISE + "\"],"
            + " \"userName\": \"hx5\", \"" + ENTERPRISE + "\": {\"employeeNumber\": \"HX5\", \"department\": \"Finance\\\" || true\"}}";

        HttpResponse<String> r = post("/scim/v2/Users", body.getBytes(StandardCharsets.UTF_8));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains(ENTERPRISE + ":department").contains("policy rule 'department-group'")
            .contains("which targets may refuse");
        assertThat(new Api(base(), TOKEN).get("/api/v1/identities/HX5").status()).isEqualTo(404);

        Api.Response row = new Api(base(), TOKEN).send("POST", "/api/v1/hr/snapshots?source=feed", "text/csv",
            "employeeNumber,userName,department\nHX6,hx6,R&D <core>\nHX7,hx7,  Human   Resources \n");
        assertThat(row.json().path("quarantined").asInt()).isEqualTo(1);
        assertThat(new Api(base(), TOKEN).get("/api/v1/quarantine?status=OPEN").body()).contains("HX6")
            .contains("department");
        assertThat(new Api(base(), TOKEN).get("/api/v1/identities/HX7").json().path("desiredEntitlements").toString())
            .contains("dept-human---resources");
    }

    @Test
    void snapshotRowWithAControlCharacterIsQuarantinedNamingTheColumn() {
        Api api = new Api(base(), TOKEN);
        Api.Response r = api.send("POST", "/api/v1/hr/snapshots?source=feed", "text/csv",
            "employeeNumber,userName,title\nHX3,hx3,Bo\u0007ss\nHX4,hx4,Clerk\n");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("quarantined").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v1/quarantine?status=OPEN").body()).contains("HX3").contains("title")
            .contains("control character U+0007");
        assertThat(api.get("/api/v1/identities/HX4").status()).isEqualTo(200);

        // the same file again: the bad row is already held, not held twice
        Api.Response again = api.send("POST", "/api/v1/hr/snapshots?source=feed", "text/csv",
            "employeeNumber,userName,title\nHX3,hx3,Bo\u0007ss\nHX4,hx4,Clerk\n");
        assertThat(again.json().path("quarantined").asInt()).isEqualTo(1);
        String open = api.get("/api/v1/quarantine?status=OPEN&size=500").body();
        assertThat(open.split("\"HX3\"", -1).length - 1).as("HX3 held once: " + open).isEqualTo(1);
    }

    private HttpResponse<String> post(String path, byte[] body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + path))
            .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/scim+json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
