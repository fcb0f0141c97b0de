package org.roster.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.roster.hr.WebhookEvents;

/** An HR system sending a signed webhook delivery, as docs/hr-sources.md tells one to. */
public final class Webhooks {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Webhooks() {
    }

    /** Signs {@code body} with the source's secret and the current time, and posts it. */
    public static HttpResponse<String> deliver(String baseUrl, String source, String secret, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String ts = Long.toString(Instant.now().getEpochSecond());
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/hr/events?source=" + source))
                .header("Content-Type", "application/json")
                .header("X-Roster-Timestamp", ts)
                .header("X-Roster-Signature", "sha256=" + WebhookEvents.sign(secret, ts, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
