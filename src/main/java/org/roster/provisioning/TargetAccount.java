package org.roster.provisioning;

import java.util.Map;
import java.util.Set;

/**
 * An account as the target itself reports it.
 *
 * @param nativeId the target's own identifier (an LDAP DN, a SCIM id)
 * @param attributes in the target's own attribute names
 */
public record TargetAccount(String nativeId, boolean enabled, Map<String, String> attributes,
                            Set<String> entitlements) {

    public TargetAccount {
        attributes = Map.copyOf(attributes);
        entitlements = Set.copyOf(entitlements);
    }
}
