package org.roster.provisioning;

import org.jspecify.annotations.Nullable;
import org.roster.provisioning.ldap.LdapSettings;

/**
 * One target in {@code roster.provisioning.targets}.
 *
 * @param name unique; policy grants name it
 * @param type the connector type: {@code ldap} or {@code memory}
 * @param ldap settings for {@code type: ldap}
 */
public record TargetSettings(String name, String type, @Nullable LdapSettings ldap) {
}
