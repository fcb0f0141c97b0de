package org.roster.signals;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.ssf}: the Shared Signals transmitter.
 *
 * @param issuer the {@code iss} of every Security Event Token and the metadata's issuer (by default
 *     the address the metadata was asked at, which a production deployment should not rely on)
 * @param slo how soon after the HR change a receiver should have an event (60 s)
 * @param keyOverlap how long a rotated-out signing key stays published, for tokens signed before (1 day)
 * @param maxAttempts push attempts before an event is given up (10)
 */
@ConfigurationProperties("roster.ssf")
public record SignalsSettings(@Nullable String issuer, @Nullable Duration slo, @Nullable Duration keyOverlap,
                              @Nullable Integer maxAttempts) {

    public SignalsSettings {
        slo = slo == null ? Duration.ofSeconds(60) : slo;
        keyOverlap = keyOverlap == null ? Duration.ofDays(1) : keyOverlap;
        maxAttempts = maxAttempts == null ? 10 : maxAttempts;
    }
}
