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
 */
@ConfigurationProperties("roster.provisioning")
public record ProvisioningSettings(@Nullable List<TargetSettings> targets, @Nullable Integer maxAttempts,
                                   @Nullable Duration initialBackoff, @Nullable Duration maxBackoff) {

    public ProvisioningSettings {
        targets = targets == null ? List.of() : List.copyOf(targets);
        maxAttempts = maxAttempts == null ? 10 : maxAttempts;
        initialBackoff = initialBackoff == null ? Duration.ofSeconds(1) : initialBackoff;
        maxBackoff = maxBackoff == null ? Duration.ofMinutes(5) : maxBackoff;
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("roster.provisioning.max-attempts must be at least 1");
        }
    }
}
