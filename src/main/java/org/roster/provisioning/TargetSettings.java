package org.roster.provisioning;

import org.jspecify.annotations.Nullable;
import org.roster.provisioning.ldap.LdapSettings;

/**
 * One target in {@code roster.provisioning.targets}.
 *
 * @param name unique; policy grants name it
 * @param type the connector type: {@code ldap}, {@code scim}, {@code keycloak}, {@code webhook}, {@code manual} or {@code memory}
 * @param concurrency operations sent to this target at once (default 4; at most one per identity,
 *     so per-identity order holds at any setting)
 * @param ldap settings for {@code type: ldap}
 * @param scim settings for {@code type: scim}
 * @param webhook settings for {@code type: webhook}
 * @param manual settings for {@code type: manual}
 * @param keycloak settings for {@code type: keycloak}
 * @param revocationSlo the objective for a leaver's access to be gone here, from receiving the HR
 *     change to the verified read-back (default 60s)
 * @param rateLimit at most this many sends a second to the target (default: no limit): an operation, a
 *     batch of one group's additions or removals, or a look-ahead for up to 100 accounts of a wave
 * @param breakerFailures consecutive outage failures (unreachable, 5xx) that open the circuit: the
 *     lane stops sending, so a long outage uses up no attempts (default 5)
 * @param breakerCoolDown how long the circuit stays open before one operation probes the target
 *     (default 10s), doubled after each failed probe up to a minute
 * @param maxResponseSize the longest answer read from the target over HTTP (SCIM, Keycloak, webhook;
 *     default 32MB, 64KB to 1GB): a longer one fails its operation, not retried, instead of taking
 *     Roster's memory
 */
public record TargetSettings(String name, String type, @Nullable Integer concurrency, @Nullable LdapSettings ldap,
                             org.roster.provisioning.scim.@Nullable ScimSettings scim,
                             java.time.@Nullable Duration revocationSlo, @Nullable Double rateLimit,
                             @Nullable Integer breakerFailures, java.time.@Nullable Duration breakerCoolDown,
                             org.roster.provisioning.webhook.@Nullable WebhookSettings webhook,
                             org.roster.provisioning.manual.@Nullable ManualSettings manual,
                             org.roster.provisioning.keycloak.@Nullable KeycloakSettings keycloak,
                             org.springframework.util.unit.@Nullable DataSize maxResponseSize) {

    public TargetSettings {
        concurrency = concurrency == null ? 4 : concurrency;
        revocationSlo = revocationSlo == null ? java.time.Duration.ofSeconds(60) : revocationSlo;
        breakerFailures = breakerFailures == null ? 5 : breakerFailures;
        breakerCoolDown = breakerCoolDown == null ? java.time.Duration.ofSeconds(10) : breakerCoolDown;
        maxResponseSize = maxResponseSize == null ? org.springframework.util.unit.DataSize.ofMegabytes(32) : maxResponseSize;
        if (maxResponseSize.toBytes() < 64 * 1024
            || maxResponseSize.toBytes() > org.springframework.util.unit.DataSize.ofGigabytes(1).toBytes()) {
            throw new IllegalArgumentException("roster.provisioning.targets[" + name
                + "].max-response-size must be between 64KB and 1GB, was " + maxResponseSize);
        }
        if (rateLimit != null && rateLimit <= 0) {
            throw new IllegalArgumentException("roster.provisioning.targets[" + name + "].rate-limit must be positive");
        }
        if (breakerFailures < 1 || breakerCoolDown.isNegative() || breakerCoolDown.isZero()) {
            throw new IllegalArgumentException("roster.provisioning.targets[" + name
                + "]: breaker-failures must be at least 1 and breaker-cool-down positive");
        }
        if (revocationSlo.isNegative() || revocationSlo.isZero()) {
            throw new IllegalArgumentException("roster.provisioning.targets[" + name + "].revocation-slo must be positive");
        }
        if (concurrency < 1 || concurrency > 64) {
            throw new IllegalArgumentException("roster.provisioning.targets[" + name
                + "].concurrency must be between 1 and 64, was " + concurrency);
        }
    }

    /** {@link #maxResponseSize} in bytes. */
    public long maxResponseBytes() {
        return maxResponseSize.toBytes();
    }

    @Override
    public Integer concurrency() {
        return concurrency;
    }

    /** A target with only the settings its connector needs: the rest default. */
    public static TargetSettings of(String name, String type, @Nullable LdapSettings ldap,
                                    org.roster.provisioning.scim.@Nullable ScimSettings scim) {
        return new TargetSettings(name, type, null, ldap, scim, null, null, null, null, null, null, null, null);
    }
}
