package org.roster.sponsorship;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.sponsorship}.
 *
 * @param reviewGrace how long sponsored identities keep access after their sponsor left or moved,
 *     unless someone takes over the sponsorship (default 7 days)
 * @param maxDuration the longest a sponsorship may run from today (default 365 days)
 */
@ConfigurationProperties("roster.sponsorship")
public record SponsorshipSettings(@Nullable Duration reviewGrace, @Nullable Duration maxDuration) {

    public SponsorshipSettings {
        reviewGrace = reviewGrace == null ? Duration.ofDays(7) : reviewGrace;
        maxDuration = maxDuration == null ? Duration.ofDays(365) : maxDuration;
    }
}
