package org.roster.nhi.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.roster.nhi.Nhi;
import org.roster.nhi.SecretSink;
import org.roster.runtime.WebhookSignature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * POSTs each new secret, as JSON, to a receiver (a vault's ingestion hook, a deployment pipeline),
 * signed like every webhook Roster sends: {@code X-Roster-Timestamp} and {@code X-Roster-Signature:
 * sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">}. Only a 2xx answer counts as delivered; what the
 * receiver answers is never read back into a message, in case it echoes the value.
 */
public final class WebhookSecretSink implements SecretSink {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI url;
    private final byte[] key;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient http;

    public WebhookSecretSink(URI url, String key, Duration timeout, Clock clock) {
        this.url = url;
        this.key = key.getBytes(StandardCharsets.UTF_8);
        this.timeout = timeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public void deliver(Nhi nhi, String secret) throws IOException {
        ObjectNode event = JSON.createObjectNode()
            .put("type", "nhi.credential.rotated")
            .put("nhi", nhi.id())
            .put("name", nhi.name())
            .put("kind", nhi.kind().wire())
            .put("target", nhi.target())
            .put("credential", nhi.credential() == null ? "secret" : nhi.credential().kind())
            .put("rotatedAt", clock.instant().toString())
            .put("secret", secret);
        byte[] body = JSON.writeValueAsBytes(event);
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
            .header("Content-Type", "application/json")
            .header("X-Roster-Timestamp", timestamp)
            .header("X-Roster-Signature", "sha256=" + WebhookSignature.sign(key, timestamp, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        int status;
        try {
            status = org.roster.runtime.HttpAnswers.status(http, request, timeout.multipliedBy(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while delivering to the secret sink webhook");
        }
        if (status / 100 != 2) {
            throw new IOException("the secret sink webhook " + url + " answered " + status);
        }
    }
}
