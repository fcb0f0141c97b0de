package org.roster.nhi;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.nhi}.
 *
 * @param maxLifetime per kind ({@code service-account}, {@code api-key}, {@code oauth-client},
 *     {@code workload}, {@code ai-agent}) the longest expiry a declaration may ask for; defaults 365
 *     days, 90 days for workloads, 30 days for AI agents
 * @param maxCredentialAge per kind, how old a credential may get before Roster rotates it (90 days;
 *     30 for AI agents)
 * @param reviewDeadline how long a new owner has to review a handed-over or moved owner's NHI (7 days)
 * @param deleteAfter how long an expired or retired NHI stays disabled on its target before it is
 *     deleted there (30 days)
 * @param discoverEvery how often the targets' non-human accounts are read to find undeclared ones
 *     (1 day, the first time 5 minutes after start; 0 turns it off)
 * @param sink where rotated secrets go; without one Roster rotates nothing, since a new secret with
 *     nowhere to go would break the NHI
 */
@ConfigurationProperties("roster.nhi")
public record NhiSettings(@Nullable Map<String, Duration> maxLifetime, @Nullable Map<String, Duration> maxCredentialAge,
                          @Nullable Duration reviewDeadline, @Nullable Duration deleteAfter,
                          @Nullable Duration discoverEvery, @Nullable Sink sink) {

    /**
     * {@code roster.nhi.sink}: a directory, or a signed webhook, or both.
     *
     * @param directory one file per NHI, {@code <directory>/<target>/<name>}, readable by Roster's user only
     * @param url a receiver that gets each new value as a signed JSON POST ({@code https}, or loopback)
     * @param secret the HMAC-SHA256 key of the webhook's signature: an {@code ${ENV_VAR}} reference
     * @param timeout the webhook's connect and response time-out (10 s)
     */
    public record Sink(@Nullable Path directory, @Nullable URI url, @Nullable String secret, @Nullable Duration timeout) {

        public Sink {
            timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
            if (url != null) {
                boolean loopback = "localhost".equals(url.getHost()) || "127.0.0.1".equals(url.getHost())
                    || "[::1]".equals(url.getHost());
                if (!"https".equals(url.getScheme()) && !("http".equals(url.getScheme()) && loopback)) {
                    throw new IllegalArgumentException("roster.nhi.sink.url: '" + url + "' must be https (plain http only"
                        + " on loopback): it carries secrets");
                }
                if (secret == null || secret.length() < 32) {
                    throw new IllegalArgumentException("roster.nhi.sink.secret: the webhook sink signs each delivery;"
                        + " give it a key of at least 32 characters");
                }
            }
        }

        @Override
        public String toString() {
            return "Sink[directory=" + directory + ", url=" + url + ", timeout=" + timeout + "]"; // never the key
        }
    }

    public NhiSettings {
        maxLifetime = maxLifetime == null ? Map.of() : Map.copyOf(maxLifetime);
        maxCredentialAge = maxCredentialAge == null ? Map.of() : Map.copyOf(maxCredentialAge);
        reviewDeadline = reviewDeadline == null ? Duration.ofDays(7) : reviewDeadline;
        deleteAfter = deleteAfter == null ? Duration.ofDays(30) : deleteAfter;
        discoverEvery = discoverEvery == null ? Duration.ofDays(1) : discoverEvery;
        for (String key : maxLifetime.keySet()) {
            kind("roster.nhi.max-lifetime", key);
        }
        for (String key : maxCredentialAge.keySet()) {
            kind("roster.nhi.max-credential-age", key);
        }
        if (deleteAfter.isNegative()) {
            throw new IllegalArgumentException("roster.nhi.delete-after: must not be negative");
        }
    }

    private static void kind(String property, String key) {
        if (Nhi.Kind.fromWire(key).isEmpty()) {
            throw new IllegalArgumentException(property + "." + key + ": '" + key + "' is not one of service-account,"
                + " api-key, oauth-client, workload, ai-agent");
        }
    }

    public Duration maxLifetime(Nhi.Kind kind) {
        Duration given = maxLifetime.get(kind.wire());
        if (given != null) {
            return given;
        }
        return switch (kind) {
            case WORKLOAD -> Duration.ofDays(90);
            case AI_AGENT -> Duration.ofDays(30);
            default -> Duration.ofDays(365);
        };
    }

    public Duration maxCredentialAge(Nhi.Kind kind) {
        Duration given = maxCredentialAge.get(kind.wire());
        return given != null ? given : kind == Nhi.Kind.AI_AGENT ? Duration.ofDays(30) : Duration.ofDays(90);
    }
}
