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
 */
public record TargetSettings(String name, String type, @Nullable Integer concurrency, @Nullable LdapSettings ldap,
                             org.roster.provisioning.scim.@Nullable ScimSettings scim) {

    public TargetSettings {
        concurrency = concurrency == null ? 4 : concurrency;
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
