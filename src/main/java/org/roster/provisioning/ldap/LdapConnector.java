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
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.roster.provisioning.Connector;
import org.roster.provisioning.ConnectorException;
import org.roster.provisioning.CreateOp;
import org.roster.provisioning.EnableOp;
import org.roster.provisioning.EntitlementBatchOp;
import org.roster.provisioning.ReadOp;
import org.roster.provisioning.RetryableConnectorException;
import org.roster.provisioning.TargetAccount;
import org.roster.provisioning.UpdateOp;

/**
 * Accounts as {@code inetOrgPerson} entries under the people DN, named {@code uid=<userName>} and
 * found by {@code employeeNumber} (so a renamed entry is still found); entitlements as
 * {@code groupOfNames} groups under the groups DN, named {@code cn=<entitlement>}.
 */
public final class LdapConnector implements Connector, CreateOp, UpdateOp, EnableOp, EntitlementBatchOp, ReadOp,
    org.roster.provisioning.LookAheadOp,
    org.roster.provisioning.DeleteOp, org.roster.provisioning.ListOp, org.roster.provisioning.CredentialOp,
    org.roster.provisioning.NonHumanListOp, org.roster.provisioning.NonHumanAccountOp {

    /** Neutral account attribute → LDAP attribute. */
    private static final Map<String, String> ATTRIBUTES = Map.of(
        "userName", "uid",
        "employeeNumber", "employeeNumber",
        "givenName", "givenName",
        "familyName", "sn",
        "displayName", "displayName",
        "email", "mail",
        "title", "title",
        "department", "departmentNumber");

    /** userName is the RDN (changed by a rename, not a modify) and employeeNumber the key: neither is drift to mend. */
    private static final Set<String> COMPARED = Set.of("givenName", "familyName", "displayName", "email", "title",
        "department");

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LdapConnector.class);

    private final String name;
    private final LdapSettings settings;
    private final LDAPConnectionPool pool;
    private final @Nullable AutoCloseable owned;
    private final LdapGroups groups;

    /**
     * @param owned something this connector closes with itself (the embedded directory), or null
     */
    public LdapConnector(String name, LdapSettings settings, LDAPConnectionPool pool, @Nullable AutoCloseable owned) {
        this.name = name;
        this.settings = settings;
        this.pool = pool;
        this.owned = owned;
        this.groups = new LdapGroups(pool, settings);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CREATE, Capability.UPDATE, Capability.ENABLE, Capability.ENTITLEMENTS, Capability.READ,
            Capability.DELETE);
    }

    @Override
    public void create(String identity, Map<String, String> attributes) throws ConnectorException {
        String userName = attributes.get("userName");
        if (userName == null) {
            throw new ConnectorException("create " + identity + ": no userName");
        }
        SearchResultEntry known = ahead.take(identity);
        boolean noneAhead = known == null && ahead.takeNone(identity);
        Optional<SearchResultEntry> existing = known != null ? Optional.of(known)
            : noneAhead ? Optional.empty() : find(identity);
        try {
            create(identity, attributes, userName, existing);
        } catch (AlreadyThere e) {
            if (!noneAhead) {
                throw e.failure;
            }
            // the look-ahead found none, and the entry is there: made since; as if it had been found
            create(identity, attributes, userName, find(identity));
        }
    }

    /** An add refused because an entry is already at the name. */
    private static final class AlreadyThere extends ConnectorException {
        private final ConnectorException failure;

        AlreadyThere(ConnectorException failure) {
            super(failure.getMessage(), failure);
            this.failure = failure;
        }
    }

    private void create(String identity, Map<String, String> attributes, String userName,
                        Optional<SearchResultEntry> existing) throws ConnectorException {
        DN named = new DN(new RDN("uid", userName), dn(settings.peopleDn()));
        if (existing.isPresent()) {
            // Adopt only an entry where Roster names accounts (a retried create, or one made by the naming rule):
            // an entry planted elsewhere with the new hire's employee number is not unlocked and handed over.
            if (!sameDn(existing.get().getDN(), named)) {
                throw new ConnectorException("create " + identity + ": an entry with this employee number already exists"
                    + " at " + existing.get().getDN() + ", not where Roster names accounts (" + named + "): not adopted"
                    + " and not unlocked; review it (remove it, or rename it to the naming rule) and retry");
            }
            update(identity, attributes);
            enable(identity);
            return;
        }
        String dn = named.toString();
        List<Attribute> attrs = new ArrayList<>();
        attrs.add(new Attribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson"));
        attributes.forEach((k, v) -> {
            String ldapName = ATTRIBUTES.get(k);
            if (ldapName != null && !v.isEmpty()) {
                attrs.add(new Attribute(ldapName, v));
            }
        });
        attrs.add(new Attribute("cn", commonName(attributes)));
        if (!attributes.containsKey("familyName")) {
            attrs.add(new Attribute("sn", userName));
        }
        try {
            pool.add(dn, attrs);
        } catch (LDAPException e) {
            ConnectorException failure = translate("create " + dn, e);
            throw e.getResultCode() == ResultCode.ENTRY_ALREADY_EXISTS ? new AlreadyThere(failure) : failure;
        }
    }

    @Override
    public void update(String identity, Map<String, String> changes) throws ConnectorException {
        String userName = changes.get("userName");
        if (userName != null && !userName.isEmpty() && settings.renameAccounts()) {
            rename(identity, userName);
        }
        String dn = requireDn(identity);
        List<Modification> mods = new ArrayList<>();
        changes.forEach((k, v) -> {
            String ldapName = ATTRIBUTES.get(k);
            // uid is the RDN: it changes with the entry's name (rename), never by a modify
            if (ldapName == null || ldapName.equals("uid")) {
                return;
            }
            if (v.isEmpty()) {
                if (!ldapName.equals("sn")) {
                    mods.add(new Modification(ModificationType.REPLACE, ldapName));
                }
            } else {
                mods.add(new Modification(ModificationType.REPLACE, ldapName, v));
            }
        });
        if (changes.containsKey("displayName") || changes.containsKey("givenName") || changes.containsKey("familyName")
            || userName != null && settings.renameAccounts()) {
            SearchResultEntry entry = find(identity).orElseThrow();
            Map<String, String> merged = new LinkedHashMap<>();
            merged.put("userName", entry.getAttributeValue("uid"));
            merged.put("givenName", entry.getAttributeValue("givenName"));
            merged.put("familyName", entry.getAttributeValue("sn"));
            merged.put("displayName", entry.getAttributeValue("displayName"));
            changes.forEach((k, v) -> merged.put(k, v.isEmpty() ? null : v));
            mods.add(new Modification(ModificationType.REPLACE, "cn", commonName(merged)));
        }
        modify(dn, mods);
    }

    /**
     * Gives the account the name its new userName makes ({@code uid=<userName>} in the same parent), its
     * group memberships with it: an HR name change reaches the directory, and the entry stays where
     * Roster names accounts. In an order that a retry after a crash at any step completes: the
     * memberships under the new name are added first, then the old ones removed, then the entry
     * renamed (a directory without referential integrity does not rewrite {@code member} values). An
     * entry already at the new name is someone else's: nothing is touched and the operation fails
     * without retry. For the moment between the memberships and the rename the account is in no group.
     */
    private void rename(String identity, String userName) throws ConnectorException {
        SearchResultEntry entry = find(identity).orElseThrow(() -> new ConnectorException("no account with employeeNumber "
            + identity + " under " + settings.peopleDn()));
        DN old;
        DN renamed;
        try {
            old = entry.getParsedDN();
            renamed = new DN(new RDN("uid", userName), old.getParent());
        } catch (LDAPException e) {
            throw translate("rename " + entry.getDN(), e);
        }
        if (old.equals(renamed)) {
            return;
        }
        try {
            if (pool.getEntry(renamed.toString(), "1.1") != null) {
                throw new ConnectorException("rename " + old + " to " + renamed + ": another entry is there; the account"
                    + " keeps its name and groups (resolve the clash, then retry the dead letter)");
            }
        } catch (LDAPException e) {
            throw translate("read " + renamed, e);
        }
        Set<String> memberOf = groups.of(old.toString());
        for (String entitlement : memberOf) {
            groups.add(entitlement, renamed.toString());
        }
        for (String entitlement : memberOf) {
            groups.remove(entitlement, old.toString());
        }
        // sn, which the schema requires, was made the userName when HR gave no family name: the old
        // name is not left in it (changed before the entry's name, so that a retry still sees it)
        String oldUid = entry.getAttributeValue("uid");
        if (oldUid != null && oldUid.equals(entry.getAttributeValue("sn")) && entry.getAttributeValues("sn").length == 1) {
            modify(old.toString(), List.of(new Modification(ModificationType.REPLACE, "sn", userName)));
        }
        try {
            pool.modifyDN(old.toString(), renamed.getRDNString(), true);
        } catch (LDAPException e) {
            throw translate("rename " + old + " to " + renamed, e);
        }
    }

    @Override
    public void enable(String identity) throws ConnectorException {
        String dn = requireDn(identity);
        LdapSettings.Disable d = settings.disable();
        if (d.enabledValue() == null) {
            try {
                pool.modify(dn, new Modification(ModificationType.DELETE, d.attribute()));
            } catch (LDAPException e) {
                if (e.getResultCode() != ResultCode.NO_SUCH_ATTRIBUTE) {
                    throw translate("enable " + dn, e);
                }
            }
        } else {
            modify(dn, List.of(new Modification(ModificationType.REPLACE, d.attribute(), d.enabledValue())));
        }
    }

    @Override
    public void disable(String identity) throws ConnectorException {
        LdapSettings.Disable lock = settings.disable();
        SearchResultEntry known = ahead.take(identity);
        if (known != null && changed(() -> pool.modify(known.getDN(), new Modification(ModificationType.REPLACE,
            lock.attribute(), lock.disabledValue())), "disable " + known.getDN())) {
            return;
        }
        Optional<SearchResultEntry> entry = find(identity);
        if (entry.isEmpty()) {
            return; // nothing to disable is a disabled account
        }
        LdapSettings.Disable d = settings.disable();
        modify(entry.get().getDN(), List.of(new Modification(ModificationType.REPLACE, d.attribute(), d.disabledValue())));
    }

    /** Deletes the entry (group memberships were removed before, as the planner orders a leaver's operations). */
    @Override
    public void delete(String identity) throws ConnectorException {
        SearchResultEntry known = ahead.take(identity);
        if (known != null && changed(() -> pool.delete(known.getDN()), "delete " + known.getDN())) {
            return;
        }
        Optional<SearchResultEntry> entry = find(identity);
        if (entry.isEmpty()) {
            return; // already gone
        }
        try {
            pool.delete(entry.get().getDN());
        } catch (LDAPException e) {
            if (e.getResultCode() != ResultCode.NO_SUCH_OBJECT) {
                throw translate("delete " + entry.get().getDN(), e);
            }
        }
    }

    @Override
    public void addEntitlement(String identity, String entitlement) throws ConnectorException {
        groups.add(entitlement, requireDn(identity));
    }

    /**
     * One search finds every account, one modify adds them all to the group. If some are members
     * already, or the group refuses the batch, each is added on its own, which is idempotent.
     */
    @Override
    public Map<String, ConnectorException> addEntitlementToAll(String entitlement, List<String> identities) {
        return together(true, entitlement, identities);
    }

    /**
     * Takes the accounts out of the group in one modify; if the directory refuses it on its merits
     * (one was not a member, or it would empty the group), one by one, which says who and handles
     * the last member. An identity with no account is done.
     */
    @Override
    public Map<String, ConnectorException> removeEntitlementFromAll(String entitlement, List<String> identities) {
        return together(false, entitlement, identities);
    }

    /** {@link #addEntitlementToAll} or {@link #removeEntitlementFromAll}: one modify, else one by one. */
    private Map<String, ConnectorException> together(boolean add, String entitlement, List<String> identities) {
        Map<String, ConnectorException> failed = new LinkedHashMap<>();
        Map<String, String> dns;
        try {
            dns = dns(identities);
        } catch (LDAPException e) {
            ConnectorException cause = translate("find the accounts to " + (add ? "add to " : "remove from ") + entitlement, e);
            identities.forEach(i -> failed.put(i, cause));
            return failed;
        }
        for (String identity : identities) {
            if (add && !dns.containsKey(identity)) {
                failed.put(identity, new ConnectorException("no account with employeeNumber " + identity
                    + " under " + settings.peopleDn()));
            }
        }
        if (dns.isEmpty()) {
            return failed;
        }
        try {
            if (add ? groups.addAll(entitlement, dns.values()) : groups.removeAll(entitlement, dns.values())) {
                return failed;
            }
        } catch (ConnectorException e) {
            dns.keySet().forEach(i -> failed.put(i, e));
            return failed;
        }
        for (Map.Entry<String, String> member : dns.entrySet()) {
            try {
                if (add) {
                    groups.add(entitlement, member.getValue());
                } else {
                    groups.remove(entitlement, member.getValue());
                }
            } catch (ConnectorException e) {
                failed.put(member.getKey(), e);
            }
        }
        return failed;
    }

    /** The DNs of the identities' accounts, by employee number, looked up 100 at a time; absent ones have none. */
    private Map<String, String> dns(List<String> identities) throws LDAPException {
        Map<String, String> dns = new LinkedHashMap<>();
        people(identities, "employeeNumber").byNumber()
            .forEach((identity, entries) -> dns.put(identity, entries.get(0).getDN()));
        return dns;
    }

    /**
     * The accounts under the people DN whose employee number is one of the identities, by it, looked
     * up {@value #TOGETHER} at a time ({@code (|(employeeNumber=...)...)}), with these attributes; an
     * identity matched only in another case or spacing is not among them.
     */
    private People people(List<String> identities, String... attributes) throws LDAPException {
        Map<String, List<SearchResultEntry>> people = new LinkedHashMap<>();
        boolean exact = true;
        for (int from = 0; from < identities.size(); from += TOGETHER) {
            List<String> chunk = identities.subList(from, Math.min(identities.size(), from + TOGETHER));
            Set<String> asked = new java.util.HashSet<>(chunk);
            Filter[] any = chunk.stream().map(i -> Filter.createEqualityFilter("employeeNumber", i)).toArray(Filter[]::new);
            SearchResult result = pool.search(settings.peopleDn(), SearchScope.SUB,
                Filter.createANDFilter(Filter.createEqualityFilter("objectClass", "inetOrgPerson"),
                    Filter.createORFilter(any)), attributes);
            for (SearchResultEntry e : result.getSearchEntries()) {
                String number = e.getAttributeValue("employeeNumber");
                if (asked.contains(number)) {
                    people.computeIfAbsent(number, k -> new ArrayList<>()).add(e);
                } else {
                    exact = false; // matched one of them another way (case, spacing): whose it is, only a search alone says
                }
            }
        }
        return new People(people, exact);
    }

    /** Entries by employee number, and whether every entry the directory matched is among them. */
    private record People(Map<String, List<SearchResultEntry>> byNumber, boolean exact) {
    }

    /** Accounts looked up in one search. */
    private static final int TOGETHER = 100;

    @Override
    public void removeEntitlement(String identity, String entitlement) throws ConnectorException {
        Optional<SearchResultEntry> entry = find(identity);
        if (entry.isPresent()) {
            groups.remove(entitlement, entry.get().getDN());
        }
    }

    @Override
    public Optional<TargetAccount> read(String identity) throws ConnectorException {
        Optional<SearchResultEntry> entry = find(identity);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        SearchResultEntry e = entry.get();
        return Optional.of(new TargetAccount(e.getDN(), !isDisabled(e), attributes(e), groups.of(e.getDN())));
    }

    /**
     * Entries found by {@link #lookAhead} for the wave being sent, each used once, and the identities
     * it found none for (trusted only by a create: an add where an entry already is fails, and then
     * the entry is found).
     */
    private final org.roster.provisioning.LookAheadOp.Found<SearchResultEntry> ahead =
        new org.roster.provisioning.LookAheadOp.Found<>();

    /**
     * Finds the entries of a wave's creates, disables and deletes {@value #TOGETHER} at a time, so that
     * each is one request instead of two (a first load's adds, a mass termination's locks). A failed
     * search leaves the rest to the operations, which find their own entries.
     */
    @Override
    public void lookAhead(List<String> identities) {
        List<String> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(identities));
        for (int from = 0; from < distinct.size(); from += TOGETHER) {
            List<String> chunk = distinct.subList(from, Math.min(distinct.size(), from + TOGETHER));
            if (chunk.size() < 2) {
                continue;
            }
            People found;
            try {
                found = people(chunk, "*", settings.disable().attribute());
            } catch (LDAPException e) {
                log.debug("target {}: looking ahead for {} entries failed ({}); each is found on its own", name,
                    chunk.size(), e.getMessage());
                return;
            }
            for (String identity : chunk) {
                List<SearchResultEntry> entries = found.byNumber().get(identity);
                if (entries == null && found.exact()) {
                    ahead.none(identity);
                } else if (entries != null && entries.size() == 1) {
                    ahead.account(identity, entries.get(0));
                }
            }
        }
    }

    @Override
    public void forget() {
        ahead.clear();
    }

    /**
     * Changes an entry the look-ahead found; false if it is no longer there (renamed or deleted since:
     * the caller finds it again).
     */
    private boolean changed(LdapChange change, String what) throws ConnectorException {
        try {
            change.run();
            return true;
        } catch (LDAPException e) {
            if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
                return false;
            }
            throw translate(what, e);
        }
    }

    /** A change of one entry. */
    @FunctionalInterface
    private interface LdapChange {
        void run() throws LDAPException;
    }

    /**
     * The accounts {@value #TOGETHER} at a time: one search for them, and one for whether any of them
     * is in a group (no attributes, one entry at most), as for a wave of leavers whose access is being
     * verified gone; only if one is are their groups read account by account. An identity not found
     * by its exact employee number is read alone, as {@link #read} reads it: a read-back that wrongly
     * found no account would verify a revocation that was not done.
     */
    @Override
    public Map<String, Optional<TargetAccount>> readAll(List<String> identities) throws ConnectorException {
        List<String> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(identities));
        Map<String, Optional<TargetAccount>> accounts = new LinkedHashMap<>();
        for (int from = 0; from < distinct.size(); from += TOGETHER) {
            List<String> chunk = distinct.subList(from, Math.min(distinct.size(), from + TOGETHER));
            Map<String, List<SearchResultEntry>> people;
            try {
                people = chunk.size() < 2 ? Map.of() : people(chunk, "*", settings.disable().attribute()).byNumber();
            } catch (LDAPException e) {
                throw translate("read back " + chunk.size() + " accounts", e);
            }
            for (Map.Entry<String, List<SearchResultEntry>> found : people.entrySet()) {
                if (found.getValue().size() > 1) {
                    throw new ConnectorException(found.getValue().size() + " entries under " + settings.peopleDn()
                        + " have employeeNumber " + found.getKey());
                }
            }
            boolean anyGroup = !people.isEmpty()
                && groups.anyMember(people.values().stream().map(e -> e.get(0).getDN()).toList());
            for (String identity : chunk) {
                List<SearchResultEntry> found = people.get(identity);
                if (found == null) {
                    accounts.put(identity, read(identity));
                } else {
                    SearchResultEntry e = found.get(0);
                    accounts.put(identity, Optional.of(new TargetAccount(e.getDN(), !isDisabled(e), attributes(e),
                        anyGroup ? groups.of(e.getDN()) : Set.of())));
                }
            }
        }
        return accounts;
    }

    /**
     * Every inetOrgPerson under the people DN, with the simple paged results control (RFC 2696) on one
     * connection, and every group's members read the same way first, so that entitlements cost no
     * search per account.
     */
    @Override
    public long list(int pageSize, java.util.function.Consumer<ListedAccount> each) throws ConnectorException {
        Map<String, Set<String>> memberships = new java.util.HashMap<>();
        paged(settings.groupsDn(), Filter.createEqualityFilter("objectClass", "groupOfNames"), pageSize,
            g -> {
                String cn = g.getAttributeValue("cn");
                String[] members = g.getAttributeValues("member");
                if (members != null) {
                    for (String m : members) {
                        memberships.computeIfAbsent(normalize(m), k -> new TreeSet<>()).add(cn);
                    }
                }
            }, "cn", "member");
        long[] count = {0};
        paged(settings.peopleDn(), Filter.createEqualityFilter("objectClass", "inetOrgPerson"), pageSize, e -> {
            each.accept(new ListedAccount(e.getDN(), e.getAttributeValue("employeeNumber"), !isDisabled(e), attributes(e),
                memberships.getOrDefault(normalize(e.getDN()), Set.of())));
            count[0]++;
        }, "*", settings.disable().attribute());
        return count[0];
    }

    @Override
    public Set<String> comparedAttributes() {
        return COMPARED;
    }

    /** The entry's HR attributes under Roster's names. */
    private static Map<String, String> attributes(SearchResultEntry e) {
        Map<String, String> attributes = new LinkedHashMap<>();
        ATTRIBUTES.forEach((roster, ldap) -> {
            String v = e.getAttributeValue(ldap);
            if (v != null) {
                attributes.put(roster, v);
            }
        });
        return attributes;
    }

    private void paged(String base, Filter filter, int pageSize, java.util.function.Consumer<SearchResultEntry> each,
                       String... attributes) throws ConnectorException {
        com.unboundid.ldap.sdk.LDAPConnection connection = null;
        try {
            connection = pool.getConnection();
            com.unboundid.asn1.ASN1OctetString cookie = null;
            do {
                com.unboundid.ldap.sdk.SearchRequest request = new com.unboundid.ldap.sdk.SearchRequest(base,
                    SearchScope.SUB, filter, attributes);
                request.setControls(new com.unboundid.ldap.sdk.controls.SimplePagedResultsControl(pageSize, cookie));
                SearchResult page = connection.search(request);
                page.getSearchEntries().forEach(each);
                com.unboundid.ldap.sdk.controls.SimplePagedResultsControl answer =
                    com.unboundid.ldap.sdk.controls.SimplePagedResultsControl.get(page);
                cookie = answer == null || !answer.moreResultsToReturn() ? null : answer.getCookie();
            } while (cookie != null);
            pool.releaseConnection(connection);
        } catch (LDAPException e) {
            if (connection != null) {
                pool.releaseDefunctConnection(connection);
            }
            if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
                return; // nothing under that DN yet
            }
            throw translate("list " + base, e);
        }
    }

    private static String normalize(String dn) {
        try {
            return new DN(dn).toNormalizedString();
        } catch (LDAPException e) {
            return dn.toLowerCase(java.util.Locale.ROOT);
        }
    }

    private boolean isDisabled(SearchResultEntry e) {
        String value = e.getAttributeValue(settings.disable().attribute());
        return value != null && value.equalsIgnoreCase(settings.disable().disabledValue());
    }

    private Optional<SearchResultEntry> find(String identity) throws ConnectorException {
        try {
            SearchResult result = pool.search(settings.peopleDn(), SearchScope.SUB,
                Filter.createANDFilter(Filter.createEqualityFilter("objectClass", "inetOrgPerson"),
                    Filter.createEqualityFilter("employeeNumber", identity)),
                "*", settings.disable().attribute());
            if (result.getEntryCount() > 1) {
                throw new ConnectorException(result.getEntryCount() + " entries under " + settings.peopleDn()
                    + " have employeeNumber " + identity);
            }
            return result.getSearchEntries().stream().findFirst();
        } catch (LDAPException e) {
            throw translate("find employeeNumber " + identity, e);
        }
    }

    private static boolean sameDn(String dn, DN expected) {
        try {
            return new DN(dn).equals(expected);
        } catch (LDAPException e) {
            return false;
        }
    }

    private String requireDn(String identity) throws ConnectorException {
        return find(identity).map(SearchResultEntry::getDN)
            .orElseThrow(() -> new ConnectorException("no account with employeeNumber " + identity
                + " under " + settings.peopleDn()));
    }

    private void modify(String dn, List<Modification> mods) throws ConnectorException {
        if (mods.isEmpty()) {
            return;
        }
        try {
            pool.modify(dn, mods);
        } catch (LDAPException e) {
            throw translate("modify " + dn, e);
        }
    }

    private static DN dn(String value) throws ConnectorException {
        try {
            return new DN(value);
        } catch (LDAPException e) {
            throw new ConnectorException("'" + value + "' is not a DN", e);
        }
    }

    private static String commonName(Map<String, String> a) {
        String display = a.get("displayName");
        if (display != null && !display.isEmpty()) {
            return display;
        }
        String given = a.getOrDefault("givenName", "");
        String family = a.getOrDefault("familyName", "");
        String full = ((given == null ? "" : given) + " " + (family == null ? "" : family)).trim();
        return full.isEmpty() ? a.get("userName") : full;
    }

    /**
     * Connection trouble, a busy server and a server that failed inside are worth retrying; anything
     * the server refused on its merits is not. "other" (80) is a server's own failure, not a verdict on
     * the operation: OpenLDAP answers it when its database cannot store a write ("entry store failed",
     * "txn_commit failed": a full disk, a database at its size limit). Dead-lettered at once, a leaver's
     * disable would then never be sent again once the server had room.
     */
    static ConnectorException translate(String what, LDAPException e) {
        ResultCode rc = e.getResultCode();
        String message = what + ": " + rc + (e.getDiagnosticMessage() == null ? "" : " (" + e.getDiagnosticMessage() + ")");
        if (!rc.isConnectionUsable() || rc == ResultCode.BUSY || rc == ResultCode.UNAVAILABLE
            || rc == ResultCode.TIME_LIMIT_EXCEEDED || rc == ResultCode.TIMEOUT || rc == ResultCode.OTHER) {
            return new RetryableConnectorException(message, e);
        }
        return new ConnectorException(message, e);
    }

    /**
     * The service accounts under {@code services-dn}: entries with a {@code uid} or a {@code cn}, named
     * by it; none when the subtree does not exist.
     */
    @Override
    public java.util.List<NonHumanAccount> nonHumanAccounts() throws ConnectorException {
        java.util.List<NonHumanAccount> out = new java.util.ArrayList<>();
        try {
            SearchResult result = pool.search(settings.servicesDn(), SearchScope.ONE,
                com.unboundid.ldap.sdk.Filter.createORFilter(com.unboundid.ldap.sdk.Filter.createPresenceFilter("uid"),
                    com.unboundid.ldap.sdk.Filter.createPresenceFilter("cn")), "uid", "cn", "description", "pwdChangedTime");
            for (var e : result.getSearchEntries()) {
                String n = e.getAttributeValue("uid") != null ? e.getAttributeValue("uid") : e.getAttributeValue("cn");
                String description = e.getAttributeValue("description");
                // pwdChangedTime is kept by the password policy overlay, where the directory has it
                java.util.Date changed = e.getAttributeValueAsDate("pwdChangedTime");
                out.add(new NonHumanAccount(n, "service-account", description == null ? "" : description,
                    changed == null ? null : changed.toInstant()));
            }
        } catch (com.unboundid.ldap.sdk.LDAPSearchException e) {
            if (e.getResultCode() == com.unboundid.ldap.sdk.ResultCode.NO_SUCH_OBJECT) {
                return out;
            }
            throw new ConnectorException("listing service accounts under " + settings.servicesDn() + " on " + name + ": "
                + e.getResultCode());
        }
        return out;
    }

    /**
     * Replaces the service account's password with a random one that nobody is given, through the
     * Password Modify extended operation: no bind works any more (a rotation gives it a known one again).
     * Removing the attribute is not enough everywhere: object classes such as simpleSecurityObject require it.
     */
    @Override
    public void disableNonHuman(String serviceName) throws ConnectorException {
        Optional<String> dn = serviceDn(serviceName);
        if (dn.isPresent()) {
            setRandomPassword(dn.get(), serviceName);
        }
    }

    @Override
    public void deleteNonHuman(String serviceName) throws ConnectorException {
        Optional<String> dn = serviceDn(serviceName);
        if (dn.isEmpty()) {
            return;
        }
        try {
            pool.delete(dn.get());
        } catch (LDAPException e) {
            if (e.getResultCode() != ResultCode.NO_SUCH_OBJECT) {
                throw translate("delete " + dn.get(), e);
            }
        }
    }

    /** The service account's entry under {@code services-dn}, by {@code uid} or {@code cn}; several is an error. */
    private Optional<String> serviceDn(String serviceName) throws ConnectorException {
        try {
            SearchResult found = pool.search(settings.servicesDn(), SearchScope.SUB, com.unboundid.ldap.sdk.Filter.createORFilter(
                com.unboundid.ldap.sdk.Filter.createEqualityFilter("uid", serviceName),
                com.unboundid.ldap.sdk.Filter.createEqualityFilter("cn", serviceName)), "1.1");
            if (found.getEntryCount() > 1) {
                throw new ConnectorException("service account " + serviceName + " under " + settings.servicesDn() + " on "
                    + name + ": " + found.getEntryCount() + " entries match, 1 expected");
            }
            return found.getSearchEntries().stream().findFirst().map(SearchResultEntry::getDN);
        } catch (com.unboundid.ldap.sdk.LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
                return Optional.empty();
            }
            throw translate("find service account " + serviceName, e);
        }
    }

    /**
     * Gives a service account under {@code services-dn} (found by {@code uid} or {@code cn}) a new
     * random password with the Password Modify extended operation (RFC 3062), so the directory
     * stores it hashed by its own policy; the old password stops binding at once.
     */
    @Override
    public String rotateSecret(String serviceName) throws ConnectorException {
        String dn = serviceDn(serviceName).orElseThrow(() -> new ConnectorException("service account " + serviceName
            + " under " + settings.servicesDn() + " on " + name + ": no entry matches"));
        return setRandomPassword(dn, serviceName);
    }

    private String setRandomPassword(String dn, String serviceName) throws ConnectorException {
        byte[] random = new byte[24];
        new java.security.SecureRandom().nextBytes(random);
        String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            var result = (com.unboundid.ldap.sdk.extensions.PasswordModifyExtendedResult) pool.processExtendedOperation(
                new com.unboundid.ldap.sdk.extensions.PasswordModifyExtendedRequest(dn, null, password));
            if (result.getResultCode() != com.unboundid.ldap.sdk.ResultCode.SUCCESS) {
                throw new ConnectorException("resetting the password of " + serviceName + " on " + name + ": "
                    + result.getResultCode());
            }
            return password;
        } catch (LDAPException e) {
            throw translate("reset the password of " + dn, e);
        }
    }

    @Override
    public void close() {
        pool.close();
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(LdapConnector.class).warn("target '{}': {}", name, e.getMessage());
            }
        }
    }
}
