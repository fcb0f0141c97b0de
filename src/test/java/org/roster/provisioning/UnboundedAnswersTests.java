package org.roster.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.roster.provisioning.keycloak.KeycloakConnectorFactory;
import org.roster.provisioning.keycloak.KeycloakSettings;
import org.roster.provisioning.scim.ScimConnectorFactory;
import org.roster.provisioning.scim.ScimSettings;
import org.roster.provisioning.webhook.WebhookConnectorFactory;
import org.roster.provisioning.webhook.WebhookSettings;
import org.roster.runtime.HttpAnswers;
import org.springframework.util.unit.DataSize;

/**
 * Targets (and receivers) that answer without end, broken or hostile: an answer that never stops growing, and one
 * that drips in a byte at a time. Each connector that reads HTTP answers fails the operation with a
 * clear message, after at most {@code max-response-size} bytes (not retried: the same request gets
 * the same answer) or twice its time-out (retried, as a time-out is), instead of taking Roster's
 * memory or the lane's thread.
 */
class UnboundedAnswersTests {

    private static final DataSize MAX = DataSize.ofKilobytes(64);
    private static HttpServer server;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/endless", UnboundedAnswersTests::endless);
        server.createContext("/drip", UnboundedAnswersTests::drip);
        server.createContext("/small", exchange -> {
            byte[] body = "{\"ok\": true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        base = "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    /** 200, then JSON until the client goes away (or 256 MB, so that a broken test ends). */
    private static void endless(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().add("Content-Type", "application/scim+json");
        exchange.sendResponseHeaders(200, 0);
        byte[] chunk = "x".repeat(8_000).getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = exchange.getResponseBody()) {
            // valid JSON as far as it goes: a string that never ends
            out.write(("{\"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:ListResponse\"], \"access_token\": \"").getBytes(StandardCharsets.UTF_8));
            for (long sent = 0; sent < 256L << 20; sent += chunk.length) {
                out.write(chunk);
            }
        } catch (IOException gone) {
            // the client stopped reading: what is expected
        }
    }

    /** 200, then a byte every 100 ms, for at most 30 s. */
    private static void drip(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().add("Content-Type", "application/scim+json");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 300; i++) {
                out.write(' ');
                out.flush();
                Thread.sleep(100);
            }
        } catch (IOException | InterruptedException gone) {
            // the client stopped reading: what is expected
        }
    }

    @Test
    void anAnswerIsReadWholeWithinItsBoundsAndFailsPastThem() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        assertThat(HttpAnswers.send(http, HttpRequest.newBuilder(URI.create(base + "/small")).build(), MAX.toBytes(),
            Duration.ofSeconds(5)).body()).isEqualTo("{\"ok\": true}");

        long started = System.nanoTime();
        assertThatThrownBy(() -> HttpAnswers.send(http, HttpRequest.newBuilder(URI.create(base + "/endless")).build(),
            MAX.toBytes(), Duration.ofSeconds(30)))
            .isInstanceOf(HttpAnswers.TooLarge.class).hasMessageContaining("65536 bytes").hasMessageContaining("max-response-size");
        assertThatThrownBy(() -> HttpAnswers.send(http, HttpRequest.newBuilder(URI.create(base + "/drip")).build(),
            MAX.toBytes(), Duration.ofMillis(500)))
            .isInstanceOf(HttpTimeoutException.class).hasMessageContaining("no whole answer within");
        // a delivery that needs only the status (a Shared Signals receiver, a subscriber, the secret sink) waits as long
        assertThat(HttpAnswers.status(http, HttpRequest.newBuilder(URI.create(base + "/small")).build(),
            Duration.ofSeconds(5))).isEqualTo(200);
        assertThatThrownBy(() -> HttpAnswers.status(http, HttpRequest.newBuilder(URI.create(base + "/drip")).build(),
            Duration.ofMillis(500))).isInstanceOf(HttpTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aScimTargetThatAnswersWithoutEndFailsTheOperation() {
        Connector endless = scim("/endless");
        assertThatThrownBy(() -> ((EnableOp) endless).disable("E1"))
            .isInstanceOf(ConnectorException.class).isNotInstanceOf(RetryableConnectorException.class)
            .hasMessageContaining("max-response-size");
        Connector drip = scim("/drip");
        long started = System.nanoTime();
        assertThatThrownBy(() -> ((EnableOp) drip).disable("E1")).isInstanceOf(RetryableConnectorException.class);
        // the time-out is 1 s: the whole answer within 2 s
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
        endless.close();
        drip.close();
    }

    @Test
    void aWebhookOrKeycloakThatAnswersWithoutEndFailsTheOperation() {
        Connector webhook = new WebhookConnectorFactory(java.time.Clock.systemUTC()).create(target("hook", "webhook", null,
            new WebhookSettings(base + "/endless", "0123456789abcdef0123", Duration.ofSeconds(5)), null));
        assertThatThrownBy(() -> ((CreateOp) webhook).create("E1", Map.of("userName", "e1")))
            .isInstanceOf(ConnectorException.class).isNotInstanceOf(RetryableConnectorException.class)
            .hasMessageContaining("max-response-size");

        // Keycloak asks for a token first, and the token endpoint's answer never ends
        Connector keycloak = new KeycloakConnectorFactory().create(target("sso", "keycloak", null, null,
            new KeycloakSettings(base + "/endless", "realm", "roster", "secret", null, Duration.ofSeconds(5))));
        assertThatThrownBy(() -> ((EnableOp) keycloak).disable("E1"))
            .isInstanceOf(ConnectorException.class).isNotInstanceOf(RetryableConnectorException.class)
            .hasMessageContaining("max-response-size");
        webhook.close();
        keycloak.close();
    }

    @Test
    void maxResponseSizeIsBounded() {
        assertThatThrownBy(() -> new TargetSettings("t", "scim", null, null, null, null, null, null, null, null, null, null,
            DataSize.ofKilobytes(1))).hasMessageContaining("max-response-size");
        assertThatThrownBy(() -> new TargetSettings("t", "scim", null, null, null, null, null, null, null, null, null, null,
            DataSize.ofGigabytes(2))).hasMessageContaining("max-response-size");
        assertThat(TargetSettings.of("t", "scim", null, null).maxResponseBytes()).isEqualTo(32L << 20);
    }

    private static Connector scim(String path) {
        return new ScimConnectorFactory().create(target("crm", "scim",
            new ScimSettings(base + path, "token", null, Duration.ofSeconds(1), null, null, null), null, null));
    }

    private static TargetSettings target(String name, String type, ScimSettings scim, WebhookSettings webhook,
                                         KeycloakSettings keycloak) {
        return new TargetSettings(name, type, null, null, scim, null, null, null, null, webhook, null, keycloak, MAX);
    }
}
