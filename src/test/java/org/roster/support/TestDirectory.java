package org.roster.support;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A real LDAP server started for the tests. */
public interface TestDirectory {

    String url();

    String bindDn();

    String bindPassword();

    String baseDn();

    default LDAPConnection connect() throws LDAPException {
        java.net.URI u = java.net.URI.create(url());
        LDAPConnection c = new LDAPConnection(u.getHost(), u.getPort());
        c.bind(bindDn(), bindPassword());
        return c;
    }

    /** The person entry with this employee number, with its operational lock attribute, or null. */
    default @Nullable SearchResultEntry person(String employeeNumber) throws LDAPException {
        try (LDAPConnection c = connect()) {
            List<SearchResultEntry> found = c.search("ou=people," + baseDn(), SearchScope.SUB,
                "(employeeNumber=" + employeeNumber + ")", "*", "pwdAccountLockedTime").getSearchEntries();
            return found.isEmpty() ? null : found.get(0);
        }
    }

    /** Whether the person's entry exists and is not locked: whether they can still sign in. */
    default boolean canSignIn(String employeeNumber) {
        try {
            SearchResultEntry e = person(employeeNumber);
            return e != null && !e.hasAttribute("pwdAccountLockedTime");
        } catch (LDAPException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cn of every group the DN is a member of. */
    default List<String> groupsOf(String dn) throws LDAPException {
        try (LDAPConnection c = connect()) {
            return c.search("ou=groups," + baseDn(), SearchScope.SUB,
                    com.unboundid.ldap.sdk.Filter.createEqualityFilter("member", dn), "cn")
                .getSearchEntries().stream().map(e -> e.getAttributeValue("cn")).sorted().toList();
        }
    }
}
