package org.roster.provisioning.ldap;

import org.jspecify.annotations.Nullable;

/**
 * {@code ldap:} settings of an LDAP target. Defaults are documented in {@code docs/configuration.md}.
 *
 * @param url {@code ldap://host:port} or {@code ldaps://host:port}; ignored when {@code embedded}
 * @param bindDn the DN Roster binds as; give it write access to the people and groups subtrees only
 * @param bindPassword a {@code ${ENV_VAR}} reference, never a literal
 * @param baseDn the directory's base DN
 * @param peopleDn where accounts are created (default {@code ou=people,<baseDn>})
 * @param groupsDn where groups live (default {@code ou=groups,<baseDn>})
 * @param servicesDn where service accounts live (default {@code ou=services,<baseDn>}): the entries
 *     whose passwords Roster rotates, found by {@code uid} or {@code cn}
 * @param disable how an account is disabled (default: set {@code pwdAccountLockedTime} to
 *     {@code 000001010000Z}, OpenLDAP's ppolicy permanent lock; remove it to enable)
 * @param createGroups create a group on first grant if it does not exist (default true)
 * @param emptyGroupMember the member a {@code groupOfNames} keeps when its last real member is removed,
 *     since the schema requires one (default {@code cn=nobody})
 * @param poolSize connections kept open (default 4)
 * @param embedded start an in-memory directory inside Roster (demo and tests only)
 * @param embeddedPort the port of the embedded directory; 0 picks a free one (default 0)
 * @param embeddedFile an LDIF file the embedded directory is loaded from at start and saved to at
 *     stop, so that it outlives a restart as the store does (default: none, in memory only)
 * @param renameAccounts rename an account's entry ({@code uid=<userName>}, a modify DN) and move its
 *     group memberships with it when HR changes its userName (default true); false keeps the name it
 *     was created with, for directories where {@code uid} never changes
 */
public record LdapSettings(@Nullable String url, @Nullable String bindDn, @Nullable String bindPassword,
                           String baseDn, @Nullable String peopleDn, @Nullable String groupsDn,
                           @Nullable Disable disable, @Nullable Boolean createGroups,
                           @Nullable String emptyGroupMember, @Nullable Integer poolSize,
                           @Nullable Boolean embedded, @Nullable Integer embeddedPort,
                           @Nullable String embeddedFile, @Nullable String servicesDn,
                           @Nullable Boolean renameAccounts) {

    public LdapSettings {
        if (baseDn == null || baseDn.isBlank()) {
            throw new IllegalArgumentException("ldap.base-dn is required");
        }
        peopleDn = peopleDn == null ? "ou=people," + baseDn : peopleDn;
        groupsDn = groupsDn == null ? "ou=groups," + baseDn : groupsDn;
        servicesDn = servicesDn == null ? "ou=services," + baseDn : servicesDn;
        disable = disable == null ? new Disable("pwdAccountLockedTime", "000001010000Z", null) : disable;
        createGroups = createGroups == null || createGroups;
        renameAccounts = renameAccounts == null || renameAccounts;
        emptyGroupMember = emptyGroupMember == null ? "cn=nobody" : emptyGroupMember;
        poolSize = poolSize == null ? 4 : poolSize;
        embedded = embedded != null && embedded;
        embeddedPort = embeddedPort == null ? 0 : embeddedPort;
        if (!embedded && (url == null || url.isBlank())) {
            throw new IllegalArgumentException("ldap.url is required unless ldap.embedded is true");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("ldap.pool-size must be at least 1");
        }
    }

    /**
     * How to disable an account: set {@code attribute} to {@code disabledValue}; enabling sets
     * {@code enabledValue}, or removes the attribute if it is absent. Examples: OpenLDAP
     * {@code pwdAccountLockedTime}/{@code 000001010000Z}; 389-DS {@code nsAccountLock}/{@code TRUE};
     * Active Directory {@code userAccountControl}/{@code 514}/{@code 512}.
     */
    public record Disable(String attribute, String disabledValue, @Nullable String enabledValue) {
    }
}
