package org.roster.provisioning;

import org.jspecify.annotations.Nullable;
import org.roster.provisioning.ldap.LdapSettings;

/**
 * One target in {@code roster.provisioning.targets}.
 *
 * @param name unique; policy grants name it
 * @param type the connector type: {@code ldap}, {@code scim} or {@code memory}
 * @param concurrency operations sent to this target at once (default 4; at most one per identity,
 *     so per-identity order holds at any setting)
 * @param ldap settings for {@code type: ldap}
 * @param scim settings for {@code type: scim}
 * @param revocationSlo the objective for a leaver's access to be gone here, from receiving the HR
 *     change to the verified read-back (default 60s)
 */
public record TargetSettings(String name, String type, @Nullable Integer concurrency, @Nullable LdapSettings ldap,
                             org.roster.provisioning.scim.@Nullable ScimSettings scim,
                             java.time.@Nullable Duration revocationSlo) {

    public TargetSettings {
        concurrency = concurrency == null ? 4 : concurrency;
        revocationSlo = revocationSlo == null ? java.time.Duration.ofSeconds(60) : revocationSlo;
        if (revocationSlo.isNegative() || revocationSlo.isZero()) {
            throw new IllegalArgumentException("roster.provisioning.targets[" + name + "].revocation-slo must be positive");
        }
        if (concurrency < 1 || concurrency > 64) {
            throw new IllegalArgumentException("roster.provisioning.targets[" + name
                + "].concurrency must be between 1 and 64, was " + concurrency);
        }
    }

    @Override
    public Integer concurrency() {
        return concurrency;
    }
}
