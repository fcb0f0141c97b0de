package org.roster.provisioning.ldap;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchScope;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.roster.provisioning.ConnectorException;

/**
 * Entitlements as {@code groupOfNames} entries {@code cn=<entitlement>} under the groups DN, with
 * members by DN. A group is created on its first member when configured; since the schema requires
 * a member, a placeholder stands in when the last real one leaves.
 */
final class LdapGroups {

    private final LDAPConnectionPool pool;
    private final LdapSettings settings;

    LdapGroups(LDAPConnectionPool pool, LdapSettings settings) {
        this.pool = pool;
        this.settings = settings;
    }

    void add(String entitlement, String member) throws ConnectorException {
        String group = dn(entitlement);
        try {
            pool.modify(group, new Modification(ModificationType.ADD, "member", member));
        } catch (LDAPException e) {
            if (e.getResultCode() == ResultCode.ATTRIBUTE_OR_VALUE_EXISTS) {
                return;
            }
            if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT && settings.createGroups()) {
                create(group, entitlement, List.of(member));
                return;
            }
            throw LdapConnector.translate("add " + member + " to " + group, e);
        }
        removeQuietly(group, settings.emptyGroupMember());
    }

    /**
     * Adds many members in one modify (or creates the group with them).
     *
     * @return false when the directory refused the batch on its merits (a member already there, for
     *     one): the caller then adds them one by one, which is idempotent
     * @throws ConnectorException when the directory could not be reached
     */
    boolean addAll(String entitlement, Collection<String> members) throws ConnectorException {
        String group = dn(entitlement);
        try {
            pool.modify(group, new Modification(ModificationType.ADD, "member", members.toArray(String[]::new)));
            removeQuietly(group, settings.emptyGroupMember());
            return true;
        } catch (LDAPException e) {
            if (!e.getResultCode().isConnectionUsable()) {
                throw LdapConnector.translate("add members to " + group, e);
            }
            if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT && settings.createGroups()) {
                try {
                    pool.add(group, attributes(entitlement, members));
                    return true;
                } catch (LDAPException ignored) {
                    return false; // created meanwhile, or refused: one by one says which
                }
            }
            return false;
        }
    }

    /**
     * Removes many members in one modify.
     *
     * @return false when the directory refused it on its merits (a member not there, or the last
     *     members of a group that needs one): the caller then removes them one by one, which says which
     *     and is idempotent; true also when the group does not exist
     * @throws ConnectorException when the directory could not be reached
     */
    boolean removeAll(String entitlement, Collection<String> members) throws ConnectorException {
        String group = dn(entitlement);
        try {
            pool.modify(group, new Modification(ModificationType.DELETE, "member", members.toArray(String[]::new)));
            return true;
        } catch (LDAPException e) {
            if (!e.getResultCode().isConnectionUsable()) {
                throw LdapConnector.translate("remove members from " + group, e);
            }
            return e.getResultCode() == ResultCode.NO_SUCH_OBJECT;
        }
    }

    void remove(String entitlement, String member) throws ConnectorException {
        String group = dn(entitlement);
        try {
            pool.modify(group, new Modification(ModificationType.DELETE, "member", member));
        } catch (LDAPException e) {
            ResultCode rc = e.getResultCode();
            if (rc == ResultCode.NO_SUCH_ATTRIBUTE || rc == ResultCode.NO_SUCH_OBJECT) {
                return;
            }
            if (rc != ResultCode.OBJECT_CLASS_VIOLATION) {
                throw LdapConnector.translate("remove " + member + " from " + group, e);
            }
            // The last member: groupOfNames needs one, so a placeholder takes its place, in one modify
            // (a replace could drop a member another operation added meanwhile).
            try {
                pool.modify(group, new Modification(ModificationType.ADD, "member", settings.emptyGroupMember()),
                    new Modification(ModificationType.DELETE, "member", member));
            } catch (LDAPException again) {
                throw LdapConnector.translate("empty " + group, again);
            }
        }
    }

    /** Whether any of the accounts is a member of a group: one search, no attributes, at most one entry. */
    boolean anyMember(java.util.Collection<String> members) throws ConnectorException {
        Filter[] any = members.stream().map(m -> Filter.createEqualityFilter("member", m)).toArray(Filter[]::new);
        com.unboundid.ldap.sdk.SearchRequest request = new com.unboundid.ldap.sdk.SearchRequest(settings.groupsDn(),
            SearchScope.SUB, Filter.createORFilter(any), "1.1");
        request.setSizeLimit(1);
        try {
            return pool.search(request).getEntryCount() > 0;
        } catch (com.unboundid.ldap.sdk.LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                return true;
            }
            throw LdapConnector.translate("read whether " + members.size() + " accounts are in groups", e);
        }
    }

    /** The entitlements a member has. */
    Set<String> of(String member) throws ConnectorException {
        Set<String> groups = new TreeSet<>();
        try {
            SearchResult result = pool.search(settings.groupsDn(), SearchScope.SUB,
                Filter.createEqualityFilter("member", member), "cn");
            result.getSearchEntries().forEach(g -> groups.add(g.getAttributeValue("cn")));
        } catch (LDAPException e) {
            throw LdapConnector.translate("read groups of " + member, e);
        }
        return groups;
    }

    private void create(String group, String entitlement, Collection<String> members) throws ConnectorException {
        try {
            pool.add(group, attributes(entitlement, members));
        } catch (LDAPException e) {
            if (e.getResultCode() != ResultCode.ENTRY_ALREADY_EXISTS) {
                throw LdapConnector.translate("create group " + group, e);
            }
            for (String member : members) {
                add(entitlement, member); // created meanwhile: join it
            }
        }
    }

    private static List<Attribute> attributes(String entitlement, Collection<String> members) {
        return List.of(new Attribute("objectClass", "top", "groupOfNames"), new Attribute("cn", entitlement),
            new Attribute("member", members));
    }

    private void removeQuietly(String group, String member) {
        try {
            pool.modify(group, new Modification(ModificationType.DELETE, "member", member));
        } catch (LDAPException ignored) {
            // The placeholder is usually not there; anything else shows on the next reconciliation.
        }
    }

    private String dn(String entitlement) throws ConnectorException {
        try {
            return new DN(new RDN("cn", entitlement), new DN(settings.groupsDn())).toString();
        } catch (LDAPException e) {
            throw new ConnectorException("groups DN " + settings.groupsDn() + " is not a DN", e);
        }
    }
}
