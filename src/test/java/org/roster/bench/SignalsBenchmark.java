package org.roster.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.Databases;
import org.roster.support.ScimWorkers;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Security Event Token delivery to 10 push receivers: {@code bench.leavers} (200) people leave one
 * after the other through SCIM; every receiver gets their session-revoked and account-disabled.
 * Reported: the time from each SCIM DELETE being answered to each receiver having the event (p50,
 * p99, max over all receivers and leavers), and the leaver's DELETE latency meanwhile. Run with
 * {@code mvn -B test -Pbenchmark -Dtest=SignalsBenchmark}.
 */
@Tag("benchmark")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + SignalsBenchmark.TOKEN,
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.policy.rules[0].name=account",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.plan.guard.enabled=false",
    "roster.nhi.discover-every=0"})
class SignalsBenchmark {

    static final String TOKEN = "ssf-bench-token-0123456789";
    private static final int RECEIVERS = 10;
    private static final int LEAVERS = Integer.getInteger("bench.leavers", 200);
    private static String store = "";

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry r) {
        store = Databases.benchmarkStore(r, "bench-ssf");
    }

    @LocalServerPort
    int port;

    /** When each receiver got each leaver's session-revoked: "receiver/email" to nanoTime. */
    private final Map<String, Long> received = new ConcurrentHashMap<>();

    @Test
    void tenReceivers() throws Exception {
        Api admin = new Api("http://127.0.0.1:" + port, TOKEN);
        List<HttpServer> servers = new ArrayList<>();
        for (int r = 0; r < RECEIVERS; r++) {
            int receiver = r;
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            s.createContext("/events", exchange -> {
                String token = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                try {
                    var claims = SignedJWT.parse(token).getJWTClaimsSet();
                    if (((Map<?, ?>) claims.getClaim("events")).keySet().iterator().next().toString().endsWith("session-revoked")) {
                        received.putIfAbsent(receiver + "/" + ((Map<?, ?>) claims.getClaim("sub_id")).get("email"),
                            System.nanoTime());
                    }
                } catch (java.text.ParseException e) {
                    throw new IllegalStateException(e);
                }
                exchange.sendResponseHeaders(202, -1);
                exchange.close();
            });
            s.start();
            servers.add(s);
            String rp = admin.send("POST", "/api/v1/tokens", "application/json",
                "{\"name\": \"rp" + r + "\", \"roles\": [\"receiver\"]}").json().path("token").asString();
            assertThat(new Api("http://127.0.0.1:" + port, rp).send("POST", "/ssf/streams", "application/json", """
                {"delivery": {"method": "urn:ietf:rfc:8935", "endpoint_url": "http://127.0.0.1:%d/events"},
                 "events_requested": ["https://schemas.openid.net/secevent/caep/event-type/session-revoked",
                   "https://schemas.openid.net/secevent/risc/event-type/account-disabled"]}"""
                .formatted(s.getAddress().getPort())).status()).isEqualTo(201);
        }
        List<String> scim = new ArrayList<>();
        for (int i = 0; i < LEAVERS; i++) {
            scim.add(ScimWorkers.hire(admin, String.format(Locale.ROOT, "L%05d", i), "leaver" + i, null));
        }
        await().atMost(Duration.ofMinutes(2)).until(() -> admin.get("/api/v1/identities/L" + String.format(Locale.ROOT,
            "%05d", LEAVERS - 1)).json().path("state").asString().equals("ACTIVE"));

        Map<String, Long> answered = new ConcurrentHashMap<>();
        List<Double> deleteMs = new ArrayList<>();
        for (int i = 0; i < LEAVERS; i++) {
            long s = System.nanoTime();
            assertThat(admin.send("DELETE", "/scim/v2/Users/" + scim.get(i), "application/scim+json", "").status())
                .isEqualTo(204);
            long done = System.nanoTime();
            deleteMs.add((done - s) / 1e6);
            answered.put("leaver" + i + "@example.com", done);
        }
        await().atMost(Duration.ofMinutes(5)).until(() -> received.size() == RECEIVERS * LEAVERS);
        List<Double> latency = new ArrayList<>();
        received.forEach((key, at) -> latency.add((at - answered.get(key.substring(key.indexOf('/') + 1))) / 1e6));
        Collections.sort(latency);
        Collections.sort(deleteMs);
        System.out.printf(Locale.ROOT, "%n[ssf] %s: %d leavers, %d push receivers: %,d session-revoked tokens received;"
                + " from the DELETE's answer to the receiver: p50 %.1f ms, p99 %.1f ms, max %.1f ms; DELETE p50 %.1f ms,"
                + " p99 %.1f ms%n", store, LEAVERS, RECEIVERS, latency.size(), latency.get(latency.size() / 2),
            latency.get((int) (latency.size() * 0.99)), latency.get(latency.size() - 1), deleteMs.get(deleteMs.size() / 2),
            deleteMs.get((int) (deleteMs.size() * 0.99)));
        servers.forEach(s -> s.stop(0));
    }
}
