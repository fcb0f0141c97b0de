package org.roster.provisioning.webhook;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.roster.provisioning.Connector;
import org.roster.provisioning.ConnectorException;
import org.roster.provisioning.CreateOp;
import org.roster.provisioning.DeleteOp;
import org.roster.provisioning.EnableOp;
import org.roster.provisioning.EntitlementOp;
import org.roster.provisioning.RetryableConnectorException;
import org.roster.provisioning.UpdateOp;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Each operation as one signed JSON event POSTed to the receiver: {@code {"type":
 * "account.disable", "identity": "E1", "target": "...", "attributes": {...}, "entitlement": ...}}.
 * Headers: {@code X-Roster-Timestamp} (Unix seconds), {@code X-Roster-Signature: sha256=<hex
 * HMAC-SHA256 of "<timestamp>.<body>">} (the scheme Roster's own HR webhook checks), and
 * {@code Idempotency-Key}: the operation's own key, the same on every attempt, different for a later
 * operation with the same content (the SHA-256 of the event when no operation is behind it). A 2xx answer acknowledges it;
 * 408, 429, 5xx and network failures are retried; any other answer dead-letters it. Nothing can be
 * read back, so revocations here are reported as not verifiable.
 */
public final class WebhookConnector implements Connector, CreateOp, UpdateOp, EnableOp, EntitlementOp, DeleteOp,
    org.roster.provisioning.IdempotentOp {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String name;
    private final WebhookSettings settings;
    private final byte[] secret;
    private final HttpClient http;
    private final Clock clock;

    /** The longest answer read, in bytes ({@code max-response-size}). */
    private final long maxResponse;

    public WebhookConnector(String name, WebhookSettings settings, String secret, Clock clock, long maxResponse) {
        this.maxResponse = maxResponse;
        this.name = name;
        this.settings = settings;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
        // HTTP/1.1: no offer to upgrade a cleartext connection to HTTP/2 that receivers never take up. The
        // answers are read where they arrive, on the client's selector thread (they are bounded and read
        // without blocking, HttpAnswers), instead of being handed to a pool: the client's threads took
        // 0.24 ms of CPU an operation with the hand-over, 0.12 without (docs/benchmarks.md).
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).version(HttpClient.Version.HTTP_1_1)
            .executor(Runnable::run).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CREATE, Capability.UPDATE, Capability.ENABLE, Capability.ENTITLEMENTS,
            Capability.DELETE);
    }

    @Override
    public void create(String identity, Map<String, String> attributes) throws ConnectorException {
        send("account.create", identity, attributes, null);
    }

    @Override
    public void update(String identity, Map<String, String> changes) throws ConnectorException {
        send("account.update", identity, changes, null);
    }

    @Override
    public void enable(String identity) throws ConnectorException {
        send("account.enable", identity, Map.of(), null);
    }

    @Override
    public void disable(String identity) throws ConnectorException {
        send("account.disable", identity, Map.of(), null);
    }

    @Override
    public void delete(String identity) throws ConnectorException {
        send("account.delete", identity, Map.of(), null);
    }

    @Override
    public void addEntitlement(String identity, String entitlement) throws ConnectorException {
        send("entitlement.add", identity, Map.of(), entitlement);
    }

    @Override
    public void removeEntitlement(String identity, String entitlement) throws ConnectorException {
        send("entitlement.remove", identity, Map.of(), entitlement);
    }

    @Override
    public void apply(String key, org.roster.plan.Operation op) throws ConnectorException {
        String type = switch (op.kind()) {
            case CREATE -> "account.create";
            case UPDATE -> "account.update";
            case ENABLE -> "account.enable";
            case DISABLE -> "account.disable";
            case DELETE -> "account.delete";
            case ADD_ENTITLEMENT -> "entitlement.add";
            case REMOVE_ENTITLEMENT -> "entitlement.remove";
            default -> throw new ConnectorException("target '" + name + "' cannot " + op.kind());
        };
        boolean entitlement = type.startsWith("entitlement.");
        if (entitlement && op.entitlement() == null) {
            throw new ConnectorException(op.kind() + " without an entitlement");
        }
        send(type, op.identity(), type.equals("account.create") || type.equals("account.update") ? op.attributes() : Map.of(),
            entitlement ? op.entitlement() : null, key);
    }

    @Override
    public void close() {
        // the JDK client of Java 17 has nothing to close: its connections end with it
    }

    private void send(String type, String identity, Map<String, String> attributes, @Nullable String entitlement)
        throws ConnectorException {
        send(type, identity, attributes, entitlement, null);
    }

    private void send(String type, String identity, Map<String, String> attributes, @Nullable String entitlement,
                      @Nullable String key) throws ConnectorException {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("type", type);
        event.put("target", name);
        event.put("identity", identity);
        ObjectNode attrs = event.putObject("attributes");
        new TreeMap<>(attributes).forEach(attrs::put);
        if (entitlement != null) {
            event.put("entitlement", entitlement);
        }
        byte[] body = JSON.writeValueAsBytes(event);
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.url()))
            .timeout(settings.timeout())
            .header("Content-Type", "application/json")
            .header("X-Roster-Timestamp", timestamp)
            .header("X-Roster-Signature", "sha256=" + sign(secret, timestamp, body))
            .header("Idempotency-Key", key != null ? key : sha256(body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        HttpResponse<String> response;
        try {
            response = org.roster.runtime.HttpAnswers.send(http, request, maxResponse, settings.timeout().multipliedBy(2));
        } catch (org.roster.runtime.HttpAnswers.TooLarge e) {
            throw new ConnectorException(type + " " + identity + " to " + name + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new RetryableConnectorException(type + " " + identity + " to " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableConnectorException(type + " " + identity + " to " + name + ": interrupted", e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        String message = type + " " + identity + " to " + name + ": HTTP " + status + " "
            + response.body().substring(0, Math.min(200, response.body().length()));
        if (status >= 500 || status == 429 || status == 408) {
            throw new RetryableConnectorException(message);
        }
        throw new ConnectorException(message);
    }

    static String sign(byte[] secret, String timestamp, byte[] body) {
        return org.roster.runtime.WebhookSignature.sign(secret, timestamp, body);
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
