package org.roster.nhi;

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
 * @param reviewDeadline how long a new owner has to review a handed-over or moved owner's NHI (7 days)
 * @param secretSinkDirectory where rotated secrets are written (one file per NHI, owner-only); without
 *     it Roster rotates nothing, since a new secret with nowhere to go would break the NHI
 */
@ConfigurationProperties("roster.nhi")
public record NhiSettings(@Nullable Map<String, Duration> maxLifetime, @Nullable Duration reviewDeadline,
                          java.nio.file.@Nullable Path secretSinkDirectory) {

    public NhiSettings {
        maxLifetime = maxLifetime == null ? Map.of() : Map.copyOf(maxLifetime);
        reviewDeadline = reviewDeadline == null ? Duration.ofDays(7) : reviewDeadline;
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
}
