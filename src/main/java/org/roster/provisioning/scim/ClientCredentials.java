package org.roster.provisioning.scim;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An access token by the OAuth 2.0 client credentials grant, kept until shortly before it expires.
 * The client authenticates with HTTP Basic (RFC 6749 §2.3.1). Failures surface as
 * {@link IllegalStateException}s, which the connector reports as a refused (or, for 5xx and network
 * trouble, a retryable) operation.
 */
final class ClientCredentials {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ScimSettings.OAuth oauth;
    private final String secret;
    private final HttpClient http;
    private final Duration timeout;
    /** The longest answer read, in bytes ({@code max-response-size}). */
    private final long maxResponse;
    private @Nullable String token;
    private Instant expires = Instant.EPOCH;

    ClientCredentials(ScimSettings.OAuth oauth, String secret, Duration timeout, long maxResponse) {
        this.oauth = oauth;
        this.maxResponse = maxResponse;
        this.secret = secret;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Thrown when the token endpoint is unreachable or answers 5xx: worth retrying. */
    static final class Unavailable extends IllegalStateException {
        Unavailable(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }

    synchronized String token() {
        if (token != null && Instant.now().isBefore(expires.minusSeconds(30))) {
            return token;
        }
        String form = "grant_type=client_credentials" + (oauth.scope() == null ? ""
            : "&scope=" + URLEncoder.encode(oauth.scope(), StandardCharsets.UTF_8));
        String basic = Base64.getEncoder().encodeToString((URLEncoder.encode(oauth.clientId(), StandardCharsets.UTF_8)
            + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(oauth.tokenUrl())).timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
            .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> response;
        try {
            response = org.roster.runtime.HttpAnswers.send(http, request, maxResponse, timeout.multipliedBy(2));
        } catch (org.roster.runtime.HttpAnswers.TooLarge e) {
            throw new IllegalStateException("token endpoint " + oauth.tokenUrl() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new Unavailable("token endpoint " + oauth.tokenUrl() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("token endpoint " + oauth.tokenUrl() + ": interrupted", e);
        }
        if (response.statusCode() >= 500) {
            throw new Unavailable("token endpoint " + oauth.tokenUrl() + ": HTTP " + response.statusCode(), null);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token endpoint " + oauth.tokenUrl() + " refused client " + oauth.clientId()
                + ": HTTP " + response.statusCode());
        }
        JsonNode t = JSON.readTree(response.body());
        token = t.path("access_token").asString();
        expires = Instant.now().plusSeconds(t.path("expires_in").asLong(300));
        return token;
    }
}
