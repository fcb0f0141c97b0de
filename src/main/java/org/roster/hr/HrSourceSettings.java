package org.roster.hr;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.hr}: the HR sources other than SCIM push (which needs no declaration).
 *
 * @param sources named sources
 * @param webhookTolerance how far a webhook's timestamp may be from Roster's clock (default 5m);
 *     older deliveries are refused as replays
 * @param maxEventsPerRequest most events in one webhook delivery (default 500)
 */
@ConfigurationProperties("roster.hr")
public record HrSourceSettings(@Nullable List<Source> sources, @Nullable Duration webhookTolerance,
                               @Nullable Integer maxEventsPerRequest) {

    public HrSourceSettings {
        sources = sources == null ? List.of() : List.copyOf(sources);
        webhookTolerance = webhookTolerance == null ? Duration.ofMinutes(5) : webhookTolerance;
        maxEventsPerRequest = maxEventsPerRequest == null ? 500 : maxEventsPerRequest;
    }

    public Optional<Source> source(String name) {
        return sources.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * One source.
     *
     * @param name unique; recorded with every HR event it delivers
     * @param type {@code webhook}
     * @param secret the shared HMAC secret of a webhook source: a {@code ${ENV_VAR}} reference
     */
    public record Source(String name, String type, @Nullable String secret) {
    }
}
