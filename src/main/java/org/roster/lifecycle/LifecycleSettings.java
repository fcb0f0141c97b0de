package org.roster.lifecycle;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.lifecycle}: how HR dates become lifecycle transitions.
 *
 * @param defaultTimeZone the zone of HR dates when a worker has none (default {@code UTC})
 * @param accessLeadTime how long before the start of the first day a joiner's access is granted
 *     (default none: at midnight of the start date)
 * @param immediateTerminationReasons termination reasons that act at once, whatever the end date
 *     (compared ignoring case; default none)
 */
@ConfigurationProperties("roster.lifecycle")
public record LifecycleSettings(@Nullable ZoneId defaultTimeZone, @Nullable Duration accessLeadTime,
                                @Nullable List<String> immediateTerminationReasons) {

    public LifecycleSettings {
        defaultTimeZone = defaultTimeZone == null ? ZoneId.of("UTC") : defaultTimeZone;
        accessLeadTime = accessLeadTime == null ? Duration.ZERO : accessLeadTime;
        immediateTerminationReasons = immediateTerminationReasons == null ? List.of() : List.copyOf(immediateTerminationReasons);
        if (accessLeadTime.isNegative()) {
            throw new IllegalArgumentException("roster.lifecycle.access-lead-time must not be negative");
        }
    }

    public static LifecycleSettings defaults() {
        return new LifecycleSettings(null, null, null);
    }

    boolean immediate(@Nullable String reason) {
        if (reason == null) {
            return false;
        }
        Set<String> immediate = immediateTerminationReasons.stream()
            .map(r -> r.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        return immediate.contains(reason.toLowerCase(Locale.ROOT));
    }
}
