package org.roster.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.types.UserResource;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.ScimClients;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The webhook target against a receiver on loopback that checks every signature itself: a joiner
 * and a leaver arrive as signed events, in order; a 503 is retried, a 400 dead-letters.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + WebhookTargetTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:webhook-target;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.initial-backoff=20ms",
    "roster.provisioning.max-backoff=50ms",
    "roster.policy.rules[0].name=everyone",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=legacy",
    "roster.policy.rules[0].grants[0].entitlement=app-users"})
class WebhookTargetTests {

    static final String TOKEN = "webhook-target-token-0123456789";
    static final String SECRET = "webhook-signing-secret-0123456789";
    static HttpServer receiver;
    static final List<JsonNode> received = new CopyOnWriteArrayList<>();
    static final List<String> badSignatures = new CopyOnWriteArrayList<>();
    static final AtomicInteger failNext = new AtomicInteger();
    static volatile int failWith = 503;

    @DynamicPropertySource
    static void target(DynamicPropertyRegistry r) throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/events", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String timestamp = exchange.getRequestHeaders().getFirst("X-Roster-Timestamp");
            String signature = exchange.getRequestHeaders().getFirst("X-Roster-Signature");
            int status;
            if (!("sha256=" + hmac(timestamp, body)).equals(signature)
                || exchange.getRequestHeaders().getFirst("Idempotency-Key") == null) {
                badSignatures.add(new String(body, StandardCharsets.UTF_8));
                status = 401;
            } else if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                status = failWith;
            } else {
                received.add(JsonMapper.builder().build().readTree(body));
                status = 204;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        r.add("roster.provisioning.targets[0].name", () -> "legacy");
        r.add("roster.provisioning.targets[0].type", () -> "webhook");
        r.add("roster.provisioning.targets[0].concurrency", () -> "1");
        r.add("roster.provisioning.targets[0].webhook.url",
            () -> "http://127.0.0.1:" + receiver.getAddress().getPort() + "/events");
        r.add("roster.provisioning.targets[0].webhook.secret", () -> SECRET);
    }

    static String hmac(String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
    }

    @LocalServerPort
    int port;
    @Autowired
    Provisioning provisioning;

    @Test
    void joinerAndLeaverArriveAsSignedEventsInOrderAndA503IsRetried() throws Exception {
        ScimService scim = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
        failNext.set(2);
        failWith = 503;
        UserResource u = scim.create("Users", ScimClients.user("W1", "w1", "Sales", "employee", null));
        await().atMost(Duration.ofSeconds(10)).until(() -> of("W1").size() == 2);

        scim.modifyRequest("Users", u.getId()).replaceValue("active", false).invoke(UserResource.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> of("W1").size() == 4);

        assertThat(badSignatures).isEmpty();
        List<JsonNode> received = of("W1");
        assertThat(received).extracting(e -> e.path("type").asString() + " " + e.path("entitlement").asString(""))
            .containsExactly("account.create ", "entitlement.add app-users", "account.disable ",
                "entitlement.remove app-users");
        assertThat(received.get(0).path("attributes").path("userName").asString()).isEqualTo("w1");
        assertThat(received.get(0).path("identity").asString()).isEqualTo("W1");
        assertThat(provisioning.count(OutboxEntry.Status.DEAD)).isZero();
        // nothing to read back: the revocation is recorded, as not verifiable
        await().atMost(Duration.ofSeconds(5)).until(() -> !provisioning.revocations("W1").isEmpty());
        assertThat(provisioning.revocations("W1").get(0).result()).isEqualTo(Revocation.Result.NOT_VERIFIABLE);
    }

    private static List<JsonNode> of(String identity) {
        return received.stream().filter(e -> e.path("identity").asString().equals(identity)).toList();
    }

    @Test
    void aRefusalOnTheMeritsIsDeadLetteredAtOnce() throws Exception {
        ScimService scim = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
        failWith = 400;
        failNext.set(1);
        scim.create("Users", ScimClients.user("W2", "w2", "Sales", "employee", null));
        await().atMost(Duration.ofSeconds(10)).until(() -> provisioning.count(OutboxEntry.Status.DEAD) == 1);
        assertThat(new Api("http://127.0.0.1:" + port, TOKEN).get("/api/v1/audit?identity=W2&size=100").body())
            .contains("OPERATION_DEAD").contains("HTTP 400");
    }
}
