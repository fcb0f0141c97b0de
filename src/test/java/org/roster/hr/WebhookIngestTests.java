package org.roster.hr;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** HR events by signed webhook: authentication, idempotency, partial updates, quarantine. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + WebhookIngestTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:webhooks;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.hr.sources[0].name=workday",
    "roster.hr.sources[0].type=webhook",
    "roster.hr.sources[0].secret=" + WebhookIngestTests.SECRET,
    "roster.api.max-request-size=64KB",
    "roster.hr.max-webhook-size=32KB"})
class WebhookIngestTests {

    static final String TOKEN = "webhook-token-0123456789abcdef";
    static final String SECRET = "webhook-shared-secret-for-tests";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    private Api api;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void client() {
        api = new Api("http://127.0.0.1:" + port, TOKEN);
    }

    private record Reply(int status, JsonNode body) {
    }

    private Reply deliver(String body, String secret, long timestamp) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String ts = Long.toString(timestamp);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/hr/events?source=workday"))
            .header("Content-Type", "application/json")
            .header("X-Roster-Timestamp", ts)
            .header("X-Roster-Signature", "sha256=" + WebhookEvents.sign(secret, ts, bytes))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body()));
    }

    private Reply deliver(String body) throws Exception {
        return deliver(body, SECRET, Instant.now().getEpochSecond());
    }

    private static String event(String eventId, String employeeNumber, String changes) {
        return "{\"eventId\": \"" + eventId + "\", \"employeeNumber\": \"" + employeeNumber + "\", \"changes\": " + changes + "}";
    }

    private static String newHire(String en) {
        return "{\"userName\": \"" + en.toLowerCase(java.util.Locale.ROOT) + "\", \"department\": \"Sales\", \"title\": \"Rep\"}";
    }

    private static String id() {
        return "W" + UUID.randomUUID().toString().substring(0, 8);
    }

    private long hrEvents(String en) {
        return api.get("/api/v1/audit?identity=" + en).json().path("items").findValues("kind").stream()
            .filter(k -> k.stringValue().equals("HR_EVENT")).count();
    }

    @Test
    void signedEventCreatesTheWorkerAndItsAccess() throws Exception {
        String en = id();

        Reply r = deliver(event("e-" + en, en, newHire(en)));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("accepted").asInt()).isEqualTo(1);
        JsonNode identity = api.get("/api/v1/identities/" + en).json();
        assertThat(identity.path("state").stringValue()).isEqualTo("ACTIVE");
        assertThat(identity.path("desiredEntitlements").toString()).contains("dept-sales");
        assertThat(api.get("/api/v1/audit?identity=" + en).json().path("items").path(0).path("entry").path("actor")
            .stringValue()).isEqualTo("source:workday");
    }

    @Test
    void redeliveredEventHasNoSecondEffectAndSaysSo() throws Exception {
        String en = id();
        String body = event("e-" + en, en, newHire(en));
        deliver(body);

        Reply again = deliver(body);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("duplicates").asInt()).isEqualTo(1);
        assertThat(again.body().path("results").path(0).path("outcome").stringValue()).isEqualTo("DUPLICATE");
        assertThat(hrEvents(en)).isEqualTo(1);
    }

    @Test
    void partialEventChangesOnlyTheFieldsItCarries() throws Exception {
        String en = id();
        deliver(event("e1-" + en, en, newHire(en)));

        deliver(event("e2-" + en, en, "{\"department\": \"Finance\"}"));

        JsonNode worker = api.get("/api/v1/identities/" + en).json().path("worker");
        assertThat(worker.path("department").stringValue()).isEqualTo("Finance");
        assertThat(worker.path("title").stringValue()).isEqualTo("Rep");
        assertThat(worker.path("userName").stringValue()).isEqualTo(en.toLowerCase(java.util.Locale.ROOT));
    }

    @Test
    void explicitNullClearsAField() throws Exception {
        String en = id();
        deliver(event("e1-" + en, en, newHire(en)));

        deliver(event("e2-" + en, en, "{\"title\": null}"));

        assertThat(api.get("/api/v1/identities/" + en).json().path("worker").path("title").isNull()).isTrue();
    }

    @Test
    void wrongSignatureIsRefusedAndNothingIsStored() throws Exception {
        String en = id();

        Reply r = deliver(event("e-" + en, en, newHire(en)), "not-the-secret", Instant.now().getEpochSecond());

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body().path("detail").stringValue()).contains("X-Roster-Signature");
        assertThat(api.get("/api/v1/identities/" + en).status()).isEqualTo(404);
    }

    @Test
    void staleTimestampIsRefusedAsAReplay() throws Exception {
        String en = id();

        Reply r = deliver(event("e-" + en, en, newHire(en)), SECRET, Instant.now().minusSeconds(3600).getEpochSecond());

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body().path("detail").stringValue()).contains("replay");
        assertThat(api.get("/api/v1/identities/" + en).status()).isEqualTo(404);
    }

    @Test
    void badEventIsQuarantinedAndTheRestOfTheDeliveryProceeds() throws Exception {
        String good = id();
        String bad = id();
        String body = "{\"events\": [" + event("e-" + bad, bad, "{\"userName\": \"x" + bad + "\", \"endDate\": \"31/12/2026\"}")
            + ", " + event("e-" + good, good, newHire(good)) + "]}";

        Reply r = deliver(body);

        assertThat(r.status()).isEqualTo(207);
        assertThat(r.body().path("accepted").asInt()).isEqualTo(1);
        assertThat(r.body().path("quarantined").asInt()).isEqualTo(1);
        JsonNode q = r.body().path("results").path(0);
        assertThat(q.path("field").stringValue()).isEqualTo("endDate");
        assertThat(q.path("reason").stringValue()).contains("31/12/2026");
        assertThat(api.get("/api/v1/identities/" + bad).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/identities/" + good).status()).isEqualTo(200);
        JsonNode held = api.get("/api/v1/quarantine/" + q.path("quarantineId").stringValue()).json();
        assertThat(held.path("status").stringValue()).isEqualTo("OPEN");
        assertThat(held.path("employeeNumber").stringValue()).isEqualTo(bad);
    }

    @Test
    void quarantinedRecordReleasedCorrectedIsAppliedAndAudited() throws Exception {
        String en = id();
        Reply r = deliver(event("e-" + en, en, "{\"userName\": \"q" + en + "\", \"workerType\": \"robot\"}"));
        String qid = r.body().path("results").path(0).path("quarantineId").stringValue();

        Api.Response stillBad = api.send("POST", "/api/v1/quarantine/" + qid + "/release", "application/json", "");
        assertThat(stillBad.status()).isEqualTo(400);
        assertThat(stillBad.json().path("field").stringValue()).isEqualTo("workerType");
        assertThat(api.get("/api/v1/quarantine/" + qid).json().path("status").stringValue()).isEqualTo("OPEN");

        Api.Response released = api.send("POST", "/api/v1/quarantine/" + qid + "/release", "application/json",
            event("e-" + en, en, "{\"userName\": \"q" + en + "\", \"workerType\": \"contractor\"}"));

        assertThat(released.status()).isEqualTo(200);
        assertThat(released.json().path("outcome").stringValue()).isEqualTo("ACCEPTED");
        assertThat(api.get("/api/v1/quarantine/" + qid).json().path("status").stringValue()).isEqualTo("RELEASED");
        assertThat(api.get("/api/v1/identities/" + en).json().path("worker").path("workerType").stringValue())
            .isEqualTo("CONTRACTOR");
        assertThat(api.get("/api/v1/audit?identity=" + en).json().toString())
            .contains("QUARANTINED").contains("QUARANTINE_RELEASED");
        assertThat(api.send("POST", "/api/v1/quarantine/" + qid + "/discard", "application/json", "").status())
            .isEqualTo(409);
    }

    @Test
    void discardedRecordChangesNothingAndIsAudited() throws Exception {
        String en = id();
        Reply r = deliver(event("e-" + en, en, "{\"userName\": \"d" + en + "\", \"email\": \"not-an-email\"}"));
        String qid = r.body().path("results").path(0).path("quarantineId").stringValue();

        assertThat(api.send("POST", "/api/v1/quarantine/" + qid + "/discard", "application/json", "").status())
            .isEqualTo(204);

        assertThat(api.get("/api/v1/quarantine/" + qid).json().path("status").stringValue()).isEqualTo("DISCARDED");
        assertThat(api.get("/api/v1/identities/" + en).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/quarantine?status=DISCARDED").json().path("items").toString()).contains(qid);
    }

    @Test
    void oversizedBodyIsRefusedBeforeItIsRead() throws Exception {
        String big = event("e-big", "BIG1", "{\"userName\": \"big\", \"title\": \"" + "x".repeat(70_000) + "\"}");

        Reply r = deliver(big);

        assertThat(r.status()).isEqualTo(413);
        Api.Response scim = api.send("POST", "/scim/v2/Users", "application/scim+json", big);
        assertThat(scim.status()).isEqualTo(413);
        assertThat(scim.contentType()).startsWith("application/scim+json");
    }

    @Test
    void unknownSourceIsNamed() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/hr/events?source=peoplesoft"))
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("peoplesoft");
    }

    @Test
    void unsignedDeliveryIsRefusedBeforeItsBodyIsRead() throws Exception {
        // The sender declares 50 000 bytes and sends 10: a server that read the body first would wait for the rest.
        for (String headers : List.of("", "X-Roster-Timestamp: 1000\r\nX-Roster-Signature: sha256=" + "0".repeat(64) + "\r\n",
                "X-Roster-Timestamp: " + Instant.now().getEpochSecond() + "\r\nX-Roster-Signature: md5=abc\r\n")) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write(("POST /api/v1/hr/events?source=workday HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 50000\r\n" + headers + "\r\n{\"events\":")
                    .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
                assertThat(status).as("answer to headers " + headers).startsWith("HTTP/1.1 401");
            }
        }
    }

    @Test
    void deliveryLargerThanTheWebhookLimitIsRefusedBeforeItIsRead() throws Exception {
        String ts = Long.toString(Instant.now().getEpochSecond());
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("POST /api/v1/hr/events?source=workday HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: 40000\r\nX-Roster-Timestamp: " + ts + "\r\n"
                + "X-Roster-Signature: sha256=" + "0".repeat(64) + "\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                StandardCharsets.US_ASCII)).readLine();
            assertThat(status).startsWith("HTTP/1.1 413");
        }
    }
}
