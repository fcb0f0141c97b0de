package org.roster.subscribers;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.events}: lifecycle events for subscribers.
 *
 * @param source every event's CloudEvents {@code source} ({@code /roster})
 * @param subscribers by name
 */
@ConfigurationProperties("roster.events")
public record SubscriberSettings(@Nullable String source, @Nullable Map<String, Subscriber> subscribers) {

    public SubscriberSettings {
        source = source == null || source.isBlank() ? "/roster" : source;
        try {
            URI.create(source);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("roster.events.source: must be a URI reference, was " + source);
        }
        subscribers = subscribers == null ? Map.of() : new TreeMap<>(subscribers);
        subscribers.forEach((name, s) -> s.check("roster.events.subscribers." + name));
    }

    /**
     * One subscriber.
     *
     * @param url where events are posted: https, or http on loopback
     * @param secret the HMAC-SHA256 key shared with the subscriber (a {@code ${ENV_VAR}} reference, at
     *     least 16 characters): every delivery is signed as docs/events.md says
     * @param types the event types it takes: exact types, or a prefix ending in {@code *}
     *     ({@code org.roster.access.*}); all when empty
     * @param slo how soon after the HR change the subscriber should have its event (60 s)
     * @param maxAttempts deliveries tried before an event is given up (10)
     * @param timeout how long one delivery may take (10 s)
     */
    public record Subscriber(@Nullable String url, @Nullable String secret, @Nullable List<String> types,
                             @Nullable Duration slo, @Nullable Integer maxAttempts, @Nullable Duration timeout,
                             @Nullable Kafka kafka) {

        public Subscriber {
            types = types == null ? List.of() : List.copyOf(types);
            slo = slo == null ? Duration.ofSeconds(60) : slo;
            maxAttempts = maxAttempts == null ? 10 : maxAttempts;
            timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        }

        void check(String key) {
            if (kafka != null) {
                if (url != null) {
                    throw new IllegalStateException(key + ": give url (a webhook) or kafka (a topic), not both");
                }
                kafka.check(key + ".kafka");
                checkTypesAndLimits(key);
                return;
            }
            if (url == null || url.isBlank()) {
                throw new IllegalStateException(key + ".url: is required (or kafka.bootstrap-servers and kafka.topic)");
            }
            URI u;
            try {
                u = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(key + ".url: is not a URL");
            }
            boolean loopback = "127.0.0.1".equals(u.getHost()) || "localhost".equals(u.getHost()) || "[::1]".equals(u.getHost());
            if (!"https".equals(u.getScheme()) && !("http".equals(u.getScheme()) && loopback)) {
                throw new IllegalStateException(key + ".url: must be https (http on loopback only)");
            }
            if (secret == null || secret.length() < 16) {
                throw new IllegalStateException(key + ".secret: is required, at least 16 characters: a ${ENV_VAR}"
                    + " reference to the key shared with the subscriber");
            }
            checkTypesAndLimits(key);
        }

        private void checkTypesAndLimits(String key) {
            for (String t : types) {
                if (LifecycleEvents.TYPES.stream().noneMatch(known -> matches(t, known))) {
                    throw new IllegalStateException(key + ".types: " + t + " is no event Roster sends (see docs/events.md)");
                }
            }
            if (maxAttempts < 1 || slo.isNegative() || slo.isZero() || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalStateException(key + ": max-attempts, slo and timeout must be positive");
            }
        }

        /** Whether the subscriber takes events of this type. */
        public boolean takes(String type) {
            return types.isEmpty() || types.stream().anyMatch(t -> matches(t, type));
        }

        private static boolean matches(String filter, String type) {
            return filter.endsWith("*") ? type.startsWith(filter.substring(0, filter.length() - 1)) : filter.equals(type);
        }

        @Override
        public String toString() {
            return "Subscriber[url=" + url + ", kafka=" + kafka + ", types=" + types + ", slo=" + slo + "]"; // never the secret
        }

        /** Where the subscriber reads: a URL, or {@code kafka://<topic>}. */
        public String address() {
            return kafka != null ? "kafka://" + kafka.topic() : java.util.Objects.requireNonNull(url);
        }
    }

    /**
     * A Kafka topic that takes the events: each is produced (idempotent producer, {@code acks=all})
     * in structured mode, keyed by the identity, so one person's events stay in order on one partition.
     *
     * @param bootstrapServers the brokers
     * @param topic the topic
     * @param properties further producer settings (TLS, SASL); a secret among them as a {@code ${ENV_VAR}} reference
     */
    public record Kafka(@Nullable String bootstrapServers, @Nullable String topic, @Nullable Map<String, String> properties) {

        public Kafka {
            properties = properties == null ? Map.of() : Map.copyOf(properties);
        }

        void check(String key) {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalStateException(key + ".bootstrap-servers: is required");
            }
            if (topic == null || !topic.matches("[a-zA-Z0-9._-]{1,249}")) {
                throw new IllegalStateException(key + ".topic: is required: 1 to 249 letters, digits, '.', '_' or '-'");
            }
        }

        @Override
        public String toString() {
            return "Kafka[bootstrapServers=" + bootstrapServers + ", topic=" + topic + "]"; // never the properties
        }
    }
}
