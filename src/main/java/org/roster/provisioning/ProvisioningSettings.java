package org.roster.provisioning;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.provisioning}: the targets and how operations are dispatched to them.
 *
 * @param targets the connected systems
 * @param maxAttempts attempts before an operation is dead-lettered (default 10)
 * @param initialBackoff wait before the first retry, doubled each attempt with jitter (default 1s)
 * @param maxBackoff longest wait between attempts (default 5m)
 * @param maxTokenLifetime the longest access-token lifetime a target (an IdP) should allow (default
 *     15m): a token lives on after its user is disabled
 * @param maxSessionLifetime the longest session lifetime a target should allow (default 12h)
 */
@ConfigurationProperties("roster.provisioning")
public record ProvisioningSettings(@Nullable List<TargetSettings> targets, @Nullable Integer maxAttempts,
                                   @Nullable Duration initialBackoff, @Nullable Duration maxBackoff,
                                   @Nullable Duration maxTokenLifetime, @Nullable Duration maxSessionLifetime) {

    public ProvisioningSettings {
        targets = targets == null ? List.of() : List.copyOf(targets);
        maxAttempts = maxAttempts == null ? 10 : maxAttempts;
        initialBackoff = initialBackoff == null ? Duration.ofSeconds(1) : initialBackoff;
        maxBackoff = maxBackoff == null ? Duration.ofMinutes(5) : maxBackoff;
        maxTokenLifetime = maxTokenLifetime == null ? Duration.ofMinutes(15) : maxTokenLifetime;
        maxSessionLifetime = maxSessionLifetime == null ? Duration.ofHours(12) : maxSessionLifetime;
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("roster.provisioning.max-attempts must be at least 1");
        }
    }
}
