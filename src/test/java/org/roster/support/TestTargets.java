package org.roster.support;

import org.springframework.test.context.DynamicPropertyRegistry;

/** Points a test's Roster at a test directory as its only target, named {@code directory}. */
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
}
