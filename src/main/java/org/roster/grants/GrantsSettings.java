package org.roster.grants;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.grants}: bounds on access outside policy.
 *
 * @param maxExceptionDuration the longest an exception may last (default 365 days)
 * @param maxJitDuration the longest a just-in-time grant may last (default 8 hours)
 */
@ConfigurationProperties("roster.grants")
public record GrantsSettings(@Nullable Duration maxExceptionDuration, @Nullable Duration maxJitDuration) {

    public GrantsSettings {
        maxExceptionDuration = maxExceptionDuration == null ? Duration.ofDays(365) : maxExceptionDuration;
        maxJitDuration = maxJitDuration == null ? Duration.ofHours(8) : maxJitDuration;
    }
}
