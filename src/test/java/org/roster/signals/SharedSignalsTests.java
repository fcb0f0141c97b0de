package org.roster.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.ScimWorkers;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A Shared Signals receiver written here, as a relying party would: it reads the transmitter's
 * metadata and JWKS, verifies every Security Event Token's signature, type, issuer and audience,
 * and receives a leaver's CAEP session-revoked and RISC account-disabled by push (RFC 8935) and by
 * poll (RFC 8936), within the objective; it keeps verifying across a key rotation, and after an
 * outage it gets each event once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + SharedSignalsTests.ADMIN,
    "roster.store.url=jdbc:h2:mem:ssf;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.policy.rules[0].name=account",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.nhi.discover-every=0"})
class SharedSignalsTests {

    static final String ADMIN = "ssf-admin-token-0123456789";
    static final String SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
    static final String ACCOUNT_DISABLED = "https://schemas.openid.net/secevent/risc/event-type/account-disabled";
    static final String VERIFICATION = "https://schemas.openid.net/secevent/ssf/event-type/verification";

    /** What the push receiver verified and kept: each token's claims. */
    static final List<Map<String, Object>> RECEIVED = new CopyOnWriteArrayList<>();
    static final AtomicBoolean DOWN = new AtomicBoolean();
    static final AtomicInteger REFUSED = new AtomicInteger();
    static volatile String jwksUri = "";
    static volatile String issuer = "";
    static final HttpServer RECEIVER = receiver();

    @LocalServerPort
    int port;

    private static HttpServer receiver() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            s.createContext("/events", exchange -> {
                String token = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                int status;
                if (DOWN.get()) {
                    status = 503;
                } else if (!"Bearer rp-secret-0123456789".equals(exchange.getRequestHeaders().getFirst("Authorization"))
                    || !"application/secevent+jwt".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                    status = 401;
                } else {
                    try {
                        RECEIVED.add(verified(token, "push-rp"));
                        status = 202;
                    } catch (Exception e) {
                        REFUSED.incrementAndGet();
                        status = 400;
                    }
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            s.start();
            return s;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Verifies a token as a receiver must: signature by a published key, type, issuer, audience. */
    static Map<String, Object> verified(String token, String audience) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        ECKey key = (ECKey) JWKSet.load(URI.create(jwksUri).toURL()).getKeyByKeyId(jwt.getHeader().getKeyID());
        if (key == null || !jwt.verify(new ECDSAVerifier(key.toECPublicKey()))) {
            throw new IllegalStateException("bad signature");
        }
        if (!"secevent+jwt".equals(jwt.getHeader().getType().getType()) || !issuer.equals(jwt.getJWTClaimsSet().getIssuer())
            || !jwt.getJWTClaimsSet().getAudience().contains(audience)) {
            throw new IllegalStateException("not for us");
        }
        Map<String, Object> claims = new java.util.HashMap<>(jwt.getJWTClaimsSet().getClaims());
        claims.put("kid", jwt.getHeader().getKeyID());
        return claims;
    }

    @SuppressWarnings("unchecked")
    private static boolean about(Map<String, Object> claims, String type, String key, String value) {
        return ((Map<String, Object>) claims.get("events")).containsKey(type)
            && value.equals(((Map<String, Object>) claims.get("sub_id")).get(key));
    }

    private static long count(String type, String key, String value) {
        return RECEIVED.stream().filter(c -> about(c, type, key, value)).count();
    }

    @Test
    void aReceiverGetsALeaversEventsByPushAndPollVerifiedAcrossAKeyRotationAndOnceAfterAnOutage() throws Exception {
        String base = "http://127.0.0.1:" + port;
        Api admin = new Api(base, ADMIN);
        JsonNode metadata = admin.get("/.well-known/ssf-configuration").json();
        jwksUri = metadata.path("jwks_uri").asString();
        issuer = metadata.path("issuer").asString();
        assertThat(metadata.path("delivery_methods_supported").toString()).contains("urn:ietf:rfc:8935", "urn:ietf:rfc:8936");
        Api push = new Api(base, admin.send("POST", "/api/v1/tokens", "application/json",
            "{\"name\": \"push-rp\", \"roles\": [\"receiver\"]}").json().path("token").asString());
        Api poll = new Api(base, admin.send("POST", "/api/v1/tokens", "application/json",
            "{\"name\": \"poll-rp\", \"roles\": [\"receiver\"]}").json().path("token").asString());

        Api.Response made = push.send("POST", "/ssf/streams", "application/json", """
            {"delivery": {"method": "urn:ietf:rfc:8935", "endpoint_url": "http://127.0.0.1:%d/events",
              "authorization_header": "Bearer rp-secret-0123456789"},
             "events_requested": ["%s", "%s", "https://example.com/not-an-event"], "format": "email"}"""
            .formatted(RECEIVER.getAddress().getPort(), SESSION_REVOKED, ACCOUNT_DISABLED));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        String pushStream = made.json().path("stream_id").asString();
        assertThat(made.json().path("events_delivered").size()).as("only what Roster sends").isEqualTo(2);
        assertThat(made.body()).doesNotContain("rp-secret");
        String pollStream = poll.send("POST", "/ssf/streams", "application/json", """
            {"delivery": {"method": "urn:ietf:rfc:8936"}, "events_requested": ["%s"], "format": "opaque"}"""
            .formatted(SESSION_REVOKED)).json().path("stream_id").asString();
        assertThat(push.get("/ssf/streams?stream_id=" + pollStream).status()).as("a receiver sees its own streams only")
            .isEqualTo(404);

        // verification
        assertThat(push.send("POST", "/ssf/verify", "application/json",
            "{\"stream_id\": \"" + pushStream + "\", \"state\": \"check-1\"}").status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(10)).until(() -> RECEIVED.stream().anyMatch(c ->
            ((Map<?, ?>) c.get("events")).containsKey(VERIFICATION)));

        // a leaver: pushed and polled, each verified
        String w1 = ScimWorkers.hire(admin, "W1", "wanda", null);
        await().atMost(Duration.ofSeconds(10)).until(() ->
            admin.get("/api/v1/identities/W1").json().path("state").asString().equals("ACTIVE"));
        assertThat(admin.send("DELETE", "/scim/v2/Users/" + w1, "application/scim+json", "").status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(10)).until(() -> count(SESSION_REVOKED, "email", "wanda@example.com") == 1
            && count(ACCOUNT_DISABLED, "email", "wanda@example.com") == 1);
        JsonNode polled = poll.send("POST", "/ssf/poll/" + pollStream, "application/json",
            "{\"returnImmediately\": false, \"maxEvents\": 10}").json();
        assertThat(polled.path("sets").size()).isEqualTo(1);
        String jti = polled.path("sets").propertyNames().iterator().next();
        Map<String, Object> pollClaims = verified(polled.path("sets").path(jti).asString(), "poll-rp");
        assertThat(about(pollClaims, SESSION_REVOKED, "id", "W1")).isTrue();
        JsonNode after = poll.send("POST", "/ssf/poll/" + pollStream, "application/json",
            "{\"ack\": [\"" + jti + "\"], \"returnImmediately\": true}").json();
        assertThat(after.path("sets").size()).as("acknowledged: not sent again").isZero();
        assertThat(admin.get("/api/v1/audit?kind=SIGNAL_DELIVERED").body()).contains("ms after the HR change")
            .doesNotContain("above the");
        assertThat(admin.get("/api/v1/identities/W1/timeline").json().findValues("target").stream()
            .map(JsonNode::asString).toList()).as("deliveries in the leaver's timeline").contains("ssf:push-rp", "ssf:poll-rp");
        assertThat(admin.get("/api/v1/reports/compliance").json().path("receivers").toString())
            .contains("\"receiver\":\"push-rp\"").contains("\"channel\":\"ssf\"");

        // the signing key is rotated: the next tokens carry the new key, and verify
        String oldKid = (String) RECEIVED.get(RECEIVED.size() - 1).get("kid");
        String kid = admin.send("POST", "/api/v1/ssf/keys/rotate", "application/json", "").json().path("kid").asString();
        assertThat(kid).isNotEqualTo(oldKid);
        assertThat(admin.get("/ssf/jwks").body()).as("the old key stays published a while").contains(oldKid).contains(kid);
        String w2 = ScimWorkers.hire(admin, "W2", "walt", null);
        await().atMost(Duration.ofSeconds(10)).until(() ->
            admin.get("/api/v1/identities/W2").json().path("state").asString().equals("ACTIVE"));
        admin.send("DELETE", "/scim/v2/Users/" + w2, "application/scim+json", "");
        await().atMost(Duration.ofSeconds(10)).until(() -> count(SESSION_REVOKED, "email", "walt@example.com") == 1);
        assertThat(RECEIVED.stream().filter(c -> about(c, SESSION_REVOKED, "email", "walt@example.com"))
            .map(c -> c.get("kid")).toList()).containsExactly(kid);

        // an outage: nothing lost, nothing twice
        DOWN.set(true);
        String w3 = ScimWorkers.hire(admin, "W3", "wren", null);
        await().atMost(Duration.ofSeconds(10)).until(() ->
            admin.get("/api/v1/identities/W3").json().path("state").asString().equals("ACTIVE"));
        admin.send("DELETE", "/scim/v2/Users/" + w3, "application/scim+json", "");
        Thread.sleep(1_500);
        assertThat(count(SESSION_REVOKED, "email", "wren@example.com")).isZero();
        DOWN.set(false);
        await().atMost(Duration.ofSeconds(30)).until(() -> count(SESSION_REVOKED, "email", "wren@example.com") == 1
            && count(ACCOUNT_DISABLED, "email", "wren@example.com") == 1);
        Thread.sleep(1_000);
        assertThat(count(SESSION_REVOKED, "email", "wren@example.com")).as("once").isEqualTo(1);
        assertThat(REFUSED.get()).as("every token verified").isZero();
    }

    @Test
    void aMoverGivesTheStreamsThatAskTheirNewClaims() throws Exception {
        String base = "http://127.0.0.1:" + port;
        Api admin = new Api(base, ADMIN);
        JsonNode metadata = admin.get("/.well-known/ssf-configuration").json();
        jwksUri = metadata.path("jwks_uri").asString();
        issuer = metadata.path("issuer").asString();
        Api rp = new Api(base, admin.send("POST", "/api/v1/tokens", "application/json",
            "{\"name\": \"claims-rp\", \"roles\": [\"receiver\"]}").json().path("token").asString());
        String stream = rp.send("POST", "/ssf/streams", "application/json", """
            {"delivery": {"method": "urn:ietf:rfc:8936"}, "format": "opaque",
             "events_requested": ["https://schemas.openid.net/secevent/caep/event-type/token-claims-change"]}""")
            .json().path("stream_id").asString();
        Api.Response tooLong = rp.send("POST", "/ssf/streams", "application/json",
            "{\"delivery\": {\"method\": \"urn:ietf:rfc:8936\"}, \"description\": \"" + "x".repeat(501) + "\"}");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().path("field").asString()).isEqualTo("description");
        ScimWorkers.hire(admin, "M0", "mia", null);
        String mover = ScimWorkers.hire(admin, "M1", "milo", null);
        await().atMost(Duration.ofSeconds(10)).until(() ->
            admin.get("/api/v1/identities/M1").json().path("state").asString().equals("ACTIVE"));

        ScimWorkers.move(admin, mover, "Engineering", "M0");

        JsonNode polled = rp.send("POST", "/ssf/poll/" + stream, "application/json", "{\"maxEvents\": 5}").json();
        assertThat(polled.path("sets").size()).isEqualTo(1);
        Map<String, Object> claims = verified(polled.path("sets").properties().iterator().next().getValue().asString(),
            "claims-rp");
        Map<?, ?> event = (Map<?, ?>) ((Map<?, ?>) claims.get("events"))
            .get("https://schemas.openid.net/secevent/caep/event-type/token-claims-change");
        @SuppressWarnings("unchecked")
        Map<String, Object> newClaims = (Map<String, Object>) event.get("claims");
        assertThat(newClaims).containsEntry("department", "Engineering").containsEntry("manager", "M0");
        assertThat(((Map<?, ?>) claims.get("sub_id")).get("id")).isEqualTo("M1");
    }
}
