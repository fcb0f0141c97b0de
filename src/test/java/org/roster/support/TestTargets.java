package org.roster.support;

import org.springframework.test.context.DynamicPropertyRegistry;

/** Points a test's Roster at its targets: a test directory named {@code directory}, a SCIM application named {@code crm}. */
public final class TestTargets {

    private TestTargets() {
    }

    public static void ldapDirectory(DynamicPropertyRegistry r, TestDirectory d) {
        r.add("roster.provisioning.targets[0].name", () -> "directory");
        r.add("roster.provisioning.targets[0].type", () -> "ldap");
        r.add("roster.provisioning.targets[0].ldap.url", d::url);
        r.add("roster.provisioning.targets[0].ldap.bind-dn", d::bindDn);
        r.add("roster.provisioning.targets[0].ldap.bind-password", d::bindPassword);
        r.add("roster.provisioning.targets[0].ldap.base-dn", d::baseDn);
    }

    /** The SCIM application {@code server} as the target at {@code index} of the list, named {@code crm}, by its token. */
    public static void scimApplication(DynamicPropertyRegistry r, int index, ScimTargetServer server) {
        String target = "roster.provisioning.targets[" + index + "]";
        r.add(target + ".name", () -> "crm");
        r.add(target + ".type", () -> "scim");
        r.add(target + ".scim.url", server::baseUrl);
        r.add(target + ".scim.token", () -> ScimTargetServer.TOKEN);
    }
}
