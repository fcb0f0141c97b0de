package org.roster.provisioning.scim;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.client.ScimServiceException;
import com.unboundid.scim2.client.requests.ModifyRequestBuilder;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.types.Email;
import com.unboundid.scim2.common.types.EnterpriseUserExtension;
import com.unboundid.scim2.common.types.GroupResource;
import com.unboundid.scim2.common.types.Member;
import com.unboundid.scim2.common.types.Name;
import com.unboundid.scim2.common.types.UserResource;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.Client;
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
import org.roster.provisioning.DeleteOp;
import org.roster.provisioning.EnableOp;
import org.roster.provisioning.EntitlementBatchOp;
import org.roster.provisioning.LookAheadOp;
import org.roster.provisioning.ReadOp;
import org.roster.provisioning.RetryableConnectorException;
import org.roster.provisioning.TargetAccount;
import org.roster.provisioning.UpdateOp;

/**
 * Accounts as SCIM {@code User}s with the enterprise extension, found by {@code externalId} (the
 * identity's employee number, so a renamed user is still found); entitlements as {@code Group}s
 * found by {@code displayName}, membership changed by PATCH; disable is {@code active: false}.
 * Server errors (5xx, 429) and unreachable servers are retryable; other refusals are not.
 */
public final class ScimConnector implements Connector, CreateOp, UpdateOp, EnableOp, EntitlementBatchOp, ReadOp, DeleteOp, LookAheadOp,
    org.roster.provisioning.ListOp, org.roster.provisioning.NonHumanListOp, org.roster.provisioning.NonHumanAccountOp {

    /** What reconciliation compares of a listing (userName is renamed by an update, but not drift to mend). */
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ScimConnector.class);

    private static final Set<String> COMPARED = Set.of("givenName", "familyName", "displayName", "title", "email",
        "department");

    private final String name;
    private final ScimSettings settings;
    private final ScimService scim;
    private final Client client;
    private final Map<String, Object> groupLocks = new java.util.concurrent.ConcurrentHashMap<>();
    private final GroupHold acrossInstances;

    public ScimConnector(String name, ScimSettings settings, ScimService scim, Client client) {
        this(name, settings, scim, client, GroupHold.NONE);
    }

    ScimConnector(String name, ScimSettings settings, ScimService scim, Client client, GroupHold acrossInstances) {
        this.name = name;
        this.settings = settings;
        this.scim = scim;
        this.client = client;
        this.acrossInstances = acrossInstances;
    }

    /**
     * Holds a group while its members change, against the other instances sending this target's
     * operations (cluster mode over Kafka: each instance sends its own identities'); {@link #NONE} on a
     * single instance, where the lock of this connector is enough.
     */
    @FunctionalInterface
    interface GroupHold {
        Release hold(String group) throws ConnectorException;

        GroupHold NONE = group -> () -> { };

        /** Lets the group go. */
        interface Release extends AutoCloseable {
            @Override
            void close();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CREATE, Capability.UPDATE, Capability.ENABLE, Capability.ENTITLEMENTS,
            Capability.READ, Capability.DELETE);
    }

    @Override
    public void create(String identity, Map<String, String> attributes) throws ConnectorException {
        String userName = attributes.get("userName");
        if (userName == null) {
            throw new ConnectorException("create " + identity + ": no userName");
        }
        UserResource known = ahead.take(identity);
        boolean noneAhead = known == null && ahead.takeNone(identity);
        if (known != null || !noneAhead && find(identity).isPresent()) {
            adopt(identity, attributes);
            return;
        }
        UserResource user = new UserResource().setUserName(userName);
        user.setExternalId(identity);
        apply(user, attributes);
        user.setActive(true);
        try {
            call("create user " + userName, () -> scim.create("Users", user));
        } catch (RetryableConnectorException e) {
            throw e;
        } catch (ConnectorException e) {
            // the look-ahead found none, and the server refused (a 409): made since, or a search that missed it
            if (!noneAhead || find(identity).isEmpty()) {
                throw e;
            }
            adopt(identity, attributes);
        }
    }

    /** A retried create, or an account made by hand: brought to what HR says. */
    private void adopt(String identity, Map<String, String> attributes) throws ConnectorException {
        update(identity, attributes);
        enable(identity);
    }

    @Override
    public void update(String identity, Map<String, String> changes) throws ConnectorException {
        UserResource user = require(identity);
        apply(user, changes);
        call("update user " + identity, () -> scim.replace(user));
    }

    @Override
    public void enable(String identity) throws ConnectorException {
        if (!setAhead(identity, true)) {
            setActive(require(identity), true);
        }
    }

    @Override
    public void disable(String identity) throws ConnectorException {
        if (!setAhead(identity, false)) {
            deactivate(find(identity));
        }
    }

    @Override
    public void delete(String identity) throws ConnectorException {
        UserResource known = ahead.take(identity);
        if (known != null && deleted(known.getId(), "user " + identity)) {
            return;
        }
        delete(find(identity), "user " + identity);
    }

    /**
     * Users found by {@link #lookAhead} for the wave being sent, each used once; and the identities it
     * found none for (trusted only by a create: one made twice is refused by the server for its
     * {@code userName}, and then found).
     */
    private final LookAheadOp.Found<UserResource> ahead = new LookAheadOp.Found<>();

    /**
     * Finds the users of a wave's creates, enables, disables and deletes {@code members-per-request} at
     * a time, so that each operation is one request instead of two: a mass termination's disables, a
     * first load's creates. Not looked ahead when the server takes no such search; a failed search
     * leaves the rest to the operations.
     */
    @Override
    public void lookAhead(List<String> identities) {
        for (List<String> chunk : chunks(new java.util.ArrayList<>(new java.util.LinkedHashSet<>(identities)))) {
            Found found;
            try {
                found = search(chunk, "id", "externalId", "userName");
            } catch (ConnectorException e) {
                log.debug("target {}: looking ahead for {} users failed ({}); each is found on its own", name, chunk.size(),
                    e.getMessage());
                return;
            }
            if (found == null) {
                if (chunk.size() > 1) {
                    return; // the server takes no such search
                }
                continue; // one: found by its operation
            }
            for (String identity : chunk) {
                List<UserResource> users = found.users().getOrDefault(identity, List.of());
                if (users.size() == 1) {
                    ahead.account(identity, users.get(0));
                } else if (users.isEmpty() && found.whole()) {
                    ahead.none(identity);
                }
            }
        }
    }

    @Override
    public void forget() {
        ahead.clear();
    }

    /**
     * Enables or disables the user the look-ahead found; false if it found none, or if that user is
     * gone or refused the change, so that the caller finds the user again.
     */
    private boolean setAhead(String identity, boolean active) throws ConnectorException {
        UserResource known = ahead.take(identity);
        if (known == null) {
            return false;
        }
        try {
            setActive(known, active);
            return true;
        } catch (RetryableConnectorException e) {
            throw e;
        } catch (ConnectorException e) {
            return false; // gone since (404), or another answer: found again, and asked again
        }
    }

    /** Nothing to disable is disabled. */
    private void deactivate(Optional<UserResource> user) throws ConnectorException {
        if (user.isPresent()) {
            setActive(user.get(), false);
        }
    }

    /** A user already gone (not found, or 404) is deleted. */
    private void delete(Optional<UserResource> user, String what) throws ConnectorException {
        if (user.isPresent()) {
            deleted(user.get().getId(), what);
        }
    }

    /** Deletes the user with this id; false if the server has none (404). */
    private boolean deleted(String id, String what) throws ConnectorException {
        try {
            scim.delete("Users", id);
            return true;
        } catch (ScimException e) {
            if (status(e) != 404) {
                throw translate("delete " + what, e);
            }
            return false;
        } catch (ProcessingException e) {
            throw unreadable("delete " + what, e);
        }
    }

    /**
     * Membership changes to one group go one at a time, across instances too: a PATCH is a
     * read-modify-write on many servers, and two at once can lose a member while both are acknowledged.
     * Neither reads the group's members: a group every person joins has as many as there are people,
     * and each change would carry them all.
     */
    @Override
    public void addEntitlement(String identity, String entitlement) throws ConnectorException {
        String id = require(identity).getId();
        synchronized (groupLock(entitlement)) {
            try (GroupHold.Release held = acrossInstances.hold(entitlement)) {
                Optional<String> group = groupId(entitlement);
                if (group.isEmpty()) {
                    createGroup(entitlement, List.of(id));
                } else {
                    addMembers(group.get(), entitlement, List.of(id), identity);
                }
            }
        }
    }

    /**
     * Adds the accounts to the group {@code members-per-request} at a time, each batch one {@code
     * PATCH}: a birthright group takes a wave of joiners in a few requests instead of one each, with
     * the group held once. The users are looked up as many at a time ({@code externalId eq ... or
     * ...}); an identity with no user fails alone, and a batch the server refuses (a 4xx) is sent
     * again member by member, so that one member it will not take does not fail the others.
     */
    @Override
    public Map<String, ConnectorException> addEntitlementToAll(String entitlement, List<String> identities) {
        return together(true, entitlement, identities);
    }

    @Override
    public void removeEntitlement(String identity, String entitlement) throws ConnectorException {
        Optional<UserResource> user = find(identity);
        if (user.isEmpty()) {
            return;
        }
        synchronized (groupLock(entitlement)) {
            try (GroupHold.Release held = acrossInstances.hold(entitlement)) {
                Optional<String> group = groupId(entitlement);
                if (group.isPresent()) {
                    removeMember(group.get(), entitlement, user.get().getId(), identity);
                }
            }
        }
    }

    /**
     * Takes the accounts out of the group {@code members-per-request} at a time, each batch one {@code
     * PATCH} of one {@code remove} per member: a wave of leavers leaves a birthright group in a few
     * requests, and their access is verified gone sooner. Not asked first whether they are members
     * (leavers are); if one was not, the server refuses the whole {@code PATCH} ({@code noTarget}), and
     * that batch goes again member by member, each asked first. An identity with no user is done.
     */
    @Override
    public Map<String, ConnectorException> removeEntitlementFromAll(String entitlement, List<String> identities) {
        return together(false, entitlement, identities);
    }

    /** {@link #addEntitlementToAll} or {@link #removeEntitlementFromAll}. */
    private Map<String, ConnectorException> together(boolean add, String entitlement, List<String> identities) {
        Map<String, ConnectorException> failed = new LinkedHashMap<>();
        Map<String, String> ids = new LinkedHashMap<>(); // identity -> the user's id
        for (List<String> chunk : chunks(new java.util.ArrayList<>(new java.util.LinkedHashSet<>(identities)))) {
            try {
                users(chunk, failed, add, "id", "externalId").forEach((identity, u) -> ids.put(identity, u.getId()));
            } catch (ConnectorException e) {
                chunk.forEach(i -> failed.put(i, e));
            }
        }
        if (ids.isEmpty()) {
            return failed;
        }
        synchronized (groupLock(entitlement)) {
            try (GroupHold.Release held = acrossInstances.hold(entitlement)) {
                Optional<String> group = groupId(entitlement);
                if (group.isEmpty() && !add) {
                    return failed; // no group: nobody is in it
                }
                for (List<Map.Entry<String, String>> batch : chunks(new java.util.ArrayList<>(ids.entrySet()))) {
                    List<String> users = batch.stream().map(Map.Entry::getValue).toList();
                    try {
                        if (group.isEmpty()) {
                            group = Optional.ofNullable(createGroup(entitlement, users));
                        } else {
                            change(add, group.get(), entitlement, users, batch.size() == 1 ? batch.get(0).getKey()
                                : users.size() + " users");
                        }
                    } catch (RetryableConnectorException e) {
                        batch.forEach(m -> failed.put(m.getKey(), e));
                    } catch (ConnectorException e) {
                        if (batch.size() == 1 || group.isEmpty()) {
                            batch.forEach(m -> failed.put(m.getKey(), e));
                            continue;
                        }
                        for (Map.Entry<String, String> m : batch) { // which one the server refuses, or was no member
                            try {
                                change(add, group.get(), entitlement, List.of(m.getValue()), m.getKey());
                            } catch (ConnectorException one) {
                                failed.put(m.getKey(), one);
                            }
                        }
                    }
                }
            } catch (ConnectorException e) { // the group could not be held or found
                ids.keySet().forEach(i -> failed.putIfAbsent(i, e));
            }
        }
        return failed;
    }

    /**
     * Adds the users to the group, or takes them out: an addition asks first who is a member already,
     * a removal of one user asks whether it is one, a removal of several does not ask.
     */
    private void change(boolean add, String group, String entitlement, List<String> userIds, String who)
        throws ConnectorException {
        if (add) {
            addMembers(group, entitlement, userIds, who);
        } else if (userIds.size() == 1) {
            removeMember(group, entitlement, userIds.get(0), who);
        } else {
            call("remove " + who + " from group " + entitlement, () -> {
                ModifyRequestBuilder.Typed patch = scim.modifyRequest("Groups", group);
                for (String id : userIds) {
                    patch.removeValues("members[value eq \"" + escape(id) + "\"]");
                }
                return patch.excludedAttributes("members").invoke(GroupResource.class);
            });
        }
    }

    /** Takes one user out of the group if it is a member; a removal that finds it gone ({@code noTarget}) is done. */
    private void removeMember(String group, String entitlement, String userId, String who) throws ConnectorException {
        if (!hasAny(entitlement, List.of(userId))) {
            return;
        }
        try {
            scim.modifyRequest("Groups", group).removeValues("members[value eq \"" + escape(userId) + "\"]")
                .excludedAttributes("members").invoke(GroupResource.class);
        } catch (ScimException e) {
            // RFC 7644 §3.5.2: a filter that matches no value is noTarget: no longer a member, so removed
            if (!(status(e) == 400 && e.getScimError() != null && "noTarget".equals(e.getScimError().getScimType()))) {
                throw translate("remove " + who + " from group " + entitlement, e);
            }
        } catch (ProcessingException e) {
            throw unreadable("remove " + who + " from group " + entitlement, e);
        }
    }

    private Object groupLock(String entitlement) {
        return groupLocks.computeIfAbsent(entitlement, k -> new Object());
    }

    /**
     * One {@code PATCH} adding those of the users not yet members to the group, the group's members
     * left out of the answer. Members are not added twice: RFC 7644 §3.5.2.1 says a value already
     * there SHOULD change nothing, but servers differ (the one the tests start adds it again).
     */
    private void addMembers(String group, String entitlement, List<String> userIds, String who) throws ConnectorException {
        Set<String> already = members(entitlement, userIds);
        List<Member> members = userIds.stream().filter(id -> !already.contains(id))
            .map(id -> new Member().setValue(id).setType("User")).toList();
        if (members.isEmpty()) {
            return;
        }
        call("add " + who + " to group " + entitlement, () -> scim.modifyRequest("Groups", group)
            .addValues("members", members).excludedAttributes("members").invoke(GroupResource.class));
    }

    /**
     * Which of the users are members of the group, asked without reading its members: whether the
     * group has any of them ({@code displayName eq ... and (members.value eq ... or ...)}), and only if
     * it has, user by user. Joiners are members of nothing yet, so their batch costs one search.
     */
    private Set<String> members(String entitlement, List<String> userIds) throws ConnectorException {
        if (Boolean.FALSE.equals(many(userIds.size(), "read the members of group " + entitlement, anyOf(entitlement, userIds)))) {
            return Set.of();
        }
        Set<String> in = new java.util.HashSet<>();
        for (String id : userIds) {
            if (hasAny(entitlement, List.of(id))) {
                in.add(id);
            }
        }
        return in;
    }

    /**
     * Whether the group has any of the users as a member. By {@code displayName} and {@code
     * members.value}, which finding a group and reading an account's groups already need the server
     * to filter on.
     */
    private boolean hasAny(String entitlement, List<String> userIds) throws ConnectorException {
        return call("read the members of group " + entitlement, anyOf(entitlement, userIds));
    }

    /** The search of {@link #hasAny}. */
    private ScimCall<Boolean> anyOf(String entitlement, List<String> userIds) {
        return () -> !scim.searchRequest("Groups").filter("displayName eq \"" + escape(entitlement) + "\" and ("
            + anyMember(userIds) + ")").attributes("id").invoke(GroupResource.class).getResources().isEmpty();
    }

    /** A filter true of a group listing any of the users: {@code members.value eq "..." or ...}. */
    private static String anyMember(java.util.Collection<String> userIds) {
        return String.join(" or ", userIds.stream().map(id -> "members.value eq \"" + escape(id) + "\"").toList());
    }

    /**
     * Whether a search for many users at once was refused for its filter: a 400 (an {@code or} it does
     * not take, too many of them) or a URL too long for it (413, 414). Anything else (a wrong token, an
     * outage) fails the search as it would fail one user's.
     */
    private static boolean refusesFilter(ConnectorException e) {
        return e.getCause() instanceof ScimException s && Set.of(400, 413, 414).contains(status(s));
    }

    /**
     * A search about {@code count} users at once, or null when there are fewer than two, or when the
     * server does not take such searches: it refused this one for its filter ({@link #refusesFilter}),
     * or an earlier one. Once refused, the server is asked about one user at a time from then on.
     */
    private <T> @Nullable T many(int count, String what, ScimCall<T> search) throws ConnectorException {
        if (count < 2 || !searchesMany) {
            return null;
        }
        try {
            return call(what, search);
        } catch (ConnectorException e) {
            if (!refusesFilter(e)) {
                throw e;
            }
            searchesMany = false;
            log.warn("target {} refused a search for {} users at once ({}): it is asked about one user at a time from now on",
                name, count, e.getMessage());
            return null;
        }
    }

    /** Under the group's lock: concurrent first members do not make two groups. Returns the new group's id. */
    private @Nullable String createGroup(String entitlement, List<String> userIds) throws ConnectorException {
        if (!settings.createGroups()) {
            throw new ConnectorException("group '" + entitlement + "' does not exist on " + name);
        }
        GroupResource g = new GroupResource().setDisplayName(entitlement)
            .setMembers(userIds.stream().map(id -> new Member().setValue(id).setType("User")).toList());
        return call("create group " + entitlement, () -> scim.create("Groups", g)).getId();
    }

    /**
     * The identities' users, looked up in one search (with these of their attributes, all if none are
     * named; one looked up alone has all); an identity with several users goes
     * to {@code failed}, and so does one with none if {@code required}. Only users with one of the
     * identities as their {@code externalId} count, whatever else a server answers. A server that
     * refuses the search for its filter is asked user by user from then on ({@link #many}). An
     * identity not in the answer is looked up alone: the search is trusted for who has a user, not
     * for who has none (a read-back that wrongly found none would verify a revocation that was not done).
     */
    private Map<String, UserResource> users(List<String> identities, Map<String, ConnectorException> failed, boolean required,
                                            String... attributes) throws ConnectorException {
        Map<String, UserResource> ids = new LinkedHashMap<>();
        Found found = search(identities, attributes);
        if (found != null) {
            found.users().forEach((identity, users) -> {
                if (users.size() == 1) {
                    ids.put(identity, users.get(0));
                } else {
                    failed.put(identity, new ConnectorException(users.size() + " users on " + name + " have externalId " + identity));
                }
            });
        }
        for (String identity : identities) {
            // not in the answer: looked up alone (the server may have answered one page, or it has none)
            if (!ids.containsKey(identity) && !failed.containsKey(identity)) {
                try {
                    Optional<UserResource> user = find(identity);
                    if (user.isPresent()) {
                        ids.put(identity, user.get());
                    } else if (required) {
                        failed.put(identity, new ConnectorException("no user with externalId " + identity + " on " + name));
                    }
                } catch (RetryableConnectorException e) {
                    throw e;
                } catch (ConnectorException e) {
                    failed.put(identity, e);
                }
            }
        }
        return ids;
    }

    /**
     * One search for the identities' users ({@code externalId eq ... or ...}): the users of each
     * identity the answer holds, and whether it holds every user the filter matched (one page, and
     * no more results), so that an identity not in it has none if the server searched as asked. Null
     * when not asked ({@link #many}).
     */
    private @Nullable Found search(List<String> identities, String... attributes) throws ConnectorException {
        String filter = String.join(" or ", identities.stream().map(i -> "externalId eq \"" + escape(i) + "\"").toList());
        ListResponse<UserResource> found = many(identities.size(), "find " + identities.size() + " users", () -> {
            var search = scim.searchRequest("Users").filter(filter).page(1, identities.size());
            if (attributes.length > 0) {
                search.attributes(attributes);
            }
            return search.invoke(UserResource.class);
        });
        if (found == null) {
            return null;
        }
        Set<String> asked = new java.util.HashSet<>(identities);
        Map<String, List<UserResource>> users = new LinkedHashMap<>();
        for (UserResource u : found.getResources()) {
            if (asked.contains(u.getExternalId())) {
                users.computeIfAbsent(u.getExternalId(), k -> new java.util.ArrayList<>()).add(u);
            }
        }
        return new Found(users, found.getTotalResults() <= found.getResources().size());
    }

    /** A search's answer: the users of each identity in it, and whether it was whole. */
    private record Found(Map<String, List<UserResource>> users, boolean whole) {
    }

    /** Whether the server takes a search about several users at once ({@link #many}); false once it refused one. */
    private volatile boolean searchesMany = true;

    private <T> List<List<T>> chunks(List<T> all) {
        List<List<T>> chunks = new java.util.ArrayList<>();
        for (int from = 0; from < all.size(); from += settings.membersPerRequest()) {
            chunks.add(all.subList(from, Math.min(all.size(), from + settings.membersPerRequest())));
        }
        return chunks;
    }

    @Override
    public Optional<TargetAccount> read(String identity) throws ConnectorException {
        Optional<UserResource> user = find(identity);
        if (user.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(account(identity, user.get(), groupsOf(identity, user.get())));
    }

    /**
     * The users looked up {@code members-per-request} at a time, and their groups with one search per
     * batch ({@code members.value eq ... or ...}, names only): when it finds none, as for a wave of
     * leavers whose access is being verified gone, none of them is in a group; otherwise each one's
     * groups are read on its own.
     */
    @Override
    public Map<String, Optional<TargetAccount>> readAll(List<String> identities) throws ConnectorException {
        Map<String, Optional<TargetAccount>> accounts = new LinkedHashMap<>();
        for (List<String> chunk : chunks(new java.util.ArrayList<>(new java.util.LinkedHashSet<>(identities)))) {
            Map<String, ConnectorException> failed = new LinkedHashMap<>();
            Map<String, UserResource> users = users(chunk, failed, false);
            if (!failed.isEmpty()) {
                throw failed.values().iterator().next();
            }
            String any = anyMember(users.values().stream().map(UserResource::getId).toList());
            // null: not asked (one user, or a server that takes no such search), so each is read on its own
            Boolean anyGroup = many(users.size(), "read the groups of " + users.size() + " users", () -> !scim
                .searchRequest("Groups").filter(any).attributes("displayName").page(1, 1).invoke(GroupResource.class)
                .getResources().isEmpty());
            for (String identity : chunk) {
                UserResource u = users.get(identity);
                accounts.put(identity, u == null ? Optional.empty()
                    : Optional.of(account(identity, u, Boolean.FALSE.equals(anyGroup) ? Set.of() : groupsOf(identity, u))));
            }
        }
        return accounts;
    }

    /** The names of the groups listing the user as a member. */
    private Set<String> groupsOf(String identity, UserResource u) throws ConnectorException {
        Set<String> groups = new TreeSet<>();
        ListResponse<GroupResource> memberOf = call("read groups of " + identity, () -> scim.searchRequest("Groups")
            .filter(anyMember(List.of(u.getId()))).attributes("displayName").invoke(GroupResource.class));
        memberOf.getResources().forEach(g -> groups.add(g.getDisplayName()));
        return groups;
    }

    private static TargetAccount account(String identity, UserResource u, Set<String> groups) {
        Map<String, String> attributes = attributes(u);
        attributes.put("employeeNumber", identity);
        return new TargetAccount(identity, !Boolean.FALSE.equals(u.getActive()), attributes, groups);
    }

    /** The user's HR attributes under Roster's names. */
    private static Map<String, String> attributes(UserResource u) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("userName", u.getUserName());
        if (u.getName() != null) {
            putIfPresent(attributes, "givenName", u.getName().getGivenName());
            putIfPresent(attributes, "familyName", u.getName().getFamilyName());
        }
        putIfPresent(attributes, "displayName", u.getDisplayName());
        putIfPresent(attributes, "title", u.getTitle());
        if (u.getEmails() != null && !u.getEmails().isEmpty()) {
            putIfPresent(attributes, "email", u.getEmails().get(0).getValue());
        }
        try {
            EnterpriseUserExtension ext = u.getExtension(EnterpriseUserExtension.class);
            if (ext != null) {
                putIfPresent(attributes, "employeeNumber", ext.getEmployeeNumber());
                putIfPresent(attributes, "department", ext.getDepartment());
            }
        } catch (RuntimeException e) {
            // no readable enterprise extension: nothing more to show
        }
        return attributes;
    }

    @Override
    public Set<String> comparedAttributes() {
        return COMPARED;
    }

    /** Every group, then every user, with {@code startIndex}/{@code count} paging. */
    @Override
    public long list(int pageSize, java.util.function.Consumer<ListedAccount> each) throws ConnectorException {
        Map<String, Set<String>> memberships = new java.util.HashMap<>();
        for (int start = 1; ; ) {
            int from = start;
            ListResponse<GroupResource> page = call("list groups", () -> scim.searchRequest("Groups").page(from, pageSize)
                .invoke(GroupResource.class));
            for (GroupResource g : page.getResources()) {
                members(g).forEach(m -> memberships.computeIfAbsent(m, k -> new TreeSet<>()).add(g.getDisplayName()));
            }
            start += page.getResources().size();
            if (page.getResources().isEmpty() || start > page.getTotalResults()) {
                break;
            }
        }
        long count = 0;
        for (int start = 1; ; ) {
            int from = start;
            ListResponse<UserResource> page = call("list users", () -> scim.searchRequest("Users").page(from, pageSize)
                .invoke(UserResource.class));
            for (UserResource u : page.getResources()) {
                each.accept(new ListedAccount(u.getId(), u.getExternalId(), !Boolean.FALSE.equals(u.getActive()),
                    attributes(u), memberships.getOrDefault(u.getId(), Set.of())));
                count++;
            }
            start += page.getResources().size();
            if (page.getResources().isEmpty() || start > page.getTotalResults()) {
                break;
            }
        }
        return count;
    }

    @Override
    public boolean listsNonHumans() {
        return settings.nonHumanFilter() != null;
    }

    /** The users the configured {@code non-human-filter} picks, named by userName, described by displayName. */
    @Override
    public List<NonHumanAccount> nonHumanAccounts() throws ConnectorException {
        String filter = nonHumanFilter();
        List<NonHumanAccount> out = new java.util.ArrayList<>();
        for (int start = 1; start < 1_000_000; ) {
            int from = start;
            ListResponse<UserResource> page = call("list non-human users", () -> scim.searchRequest("Users")
                .filter(filter).page(from, 200).invoke(UserResource.class));
            for (UserResource u : page.getResources()) {
                out.add(new NonHumanAccount(u.getUserName(), "service-account",
                    u.getDisplayName() == null ? "" : u.getDisplayName(), null));
            }
            start += page.getResources().size();
            if (page.getResources().isEmpty() || start > page.getTotalResults()) {
                break;
            }
        }
        return out;
    }

    /** Sets the non-human user inactive; only a user the non-human filter picks is touched. */
    @Override
    public void disableNonHuman(String userName) throws ConnectorException {
        deactivate(nonHuman(userName));
    }

    @Override
    public void deleteNonHuman(String userName) throws ConnectorException {
        delete(nonHuman(userName), "non-human user " + userName);
    }

    private Optional<UserResource> nonHuman(String userName) throws ConnectorException {
        String filter = "(" + nonHumanFilter() + ") and userName eq \"" + escape(userName) + "\"";
        ListResponse<UserResource> found = call("find non-human user " + userName, () -> scim.searchRequest("Users")
            .filter(filter).invoke(UserResource.class));
        if (found.getResources().size() > 1) {
            throw new ConnectorException(found.getResources().size() + " non-human users on " + name + " are named " + userName);
        }
        return found.getResources().stream().findFirst();
    }

    private String nonHumanFilter() throws ConnectorException {
        String filter = settings.nonHumanFilter();
        if (filter == null || filter.isBlank()) {
            throw new ConnectorException("target '" + name + "' has no scim.non-human-filter: it shows no non-human users");
        }
        return filter;
    }

    @Override
    public void close() {
        client.close();
    }

    private Optional<UserResource> find(String identity) throws ConnectorException {
        ListResponse<UserResource> found = call("find user " + identity, () -> scim.searchRequest("Users")
            .filter("externalId eq \"" + escape(identity) + "\"").invoke(UserResource.class));
        if (found.getResources().size() > 1) {
            throw new ConnectorException(found.getResources().size() + " users on " + name + " have externalId " + identity);
        }
        return found.getResources().stream().findFirst();
    }

    private UserResource require(String identity) throws ConnectorException {
        return find(identity).orElseThrow(() -> new ConnectorException("no user with externalId " + identity + " on " + name));
    }

    /** The id of the group named {@code entitlement}, found without its members. */
    private Optional<String> groupId(String entitlement) throws ConnectorException {
        ListResponse<GroupResource> found = call("find group " + entitlement, () -> scim.searchRequest("Groups")
            .filter("displayName eq \"" + escape(entitlement) + "\"").attributes("id", "displayName")
            .invoke(GroupResource.class));
        return found.getResources().stream().findFirst().map(GroupResource::getId);
    }

    private static Set<String> members(GroupResource g) {
        Set<String> ids = new TreeSet<>();
        if (g.getMembers() != null) {
            g.getMembers().forEach(m -> ids.add(m.getValue()));
        }
        return ids;
    }

    private void setActive(UserResource user, boolean active) throws ConnectorException {
        call((active ? "enable" : "disable") + " user " + user.getUserName(), () -> scim.modifyRequest("Users", user.getId())
            .replaceValue("active", active).invoke(UserResource.class));
    }

    /** Neutral attributes onto a SCIM user; an empty value clears it. */
    private static void apply(UserResource user, Map<String, String> a) {
        String userName = a.get("userName");
        if (userName != null && !userName.isEmpty()) {
            user.setUserName(userName); // renamed: the user is found by externalId, not by its name
        }
        Name name = user.getName() == null ? new Name() : user.getName();
        if (a.containsKey("givenName")) {
            name.setGivenName(emptyToNull(a.get("givenName")));
        }
        if (a.containsKey("familyName")) {
            name.setFamilyName(emptyToNull(a.get("familyName")));
        }
        user.setName(name);
        if (a.containsKey("displayName")) {
            user.setDisplayName(emptyToNull(a.get("displayName")));
        }
        if (a.containsKey("title")) {
            user.setTitle(emptyToNull(a.get("title")));
        }
        if (a.containsKey("email")) {
            String email = emptyToNull(a.get("email"));
            user.setEmails(email == null ? null : List.of(new Email().setValue(email).setType("work").setPrimary(true)));
        }
        if (a.containsKey("employeeNumber") || a.containsKey("department")) {
            EnterpriseUserExtension ext;
            try {
                ext = user.getExtension(EnterpriseUserExtension.class);
            } catch (RuntimeException e) {
                ext = null;
            }
            if (ext == null) {
                ext = new EnterpriseUserExtension();
            }
            if (a.containsKey("employeeNumber")) {
                ext.setEmployeeNumber(emptyToNull(a.get("employeeNumber")));
            }
            if (a.containsKey("department")) {
                ext.setDepartment(emptyToNull(a.get("department")));
            }
            user.setExtension(ext);
        }
    }

    /** A SCIM call, its failure translated: unreachable, 5xx and 429 are retryable. */
    private <T> T call(String what, ScimCall<T> call) throws ConnectorException {
        try {
            return call.run();
        } catch (ScimException e) {
            throw translate(what, e);
        } catch (ProcessingException e) {
            if (e.getCause() instanceof IllegalStateException token && !(token instanceof ClientCredentials.Unavailable)) {
                throw new ConnectorException(what + " on " + name + ": " + token.getMessage(), e); // refused credentials
            }
            throw unreadable(what, e);
        }
    }

    /** The request went, but no answer came back that could be read: retried, unless it was too long. */
    private ConnectorException unreadable(String what, ProcessingException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof org.roster.runtime.HttpAnswers.TooLarge tooLarge) {
                return new ConnectorException(what + " on " + name + ": " + tooLarge.getMessage(), e);
            }
        }
        return new RetryableConnectorException(what + " on " + name + ": " + e.getMessage(), e);
    }

    private ConnectorException translate(String what, ScimException e) {
        int status = status(e);
        String message = what + " on " + name + ": " + status + " " + e.getMessage();
        return status >= 500 || status == 429 || status == 408 || status == 0
            ? new RetryableConnectorException(message, e) : new ConnectorException(message, e);
    }

    private static int status(ScimException e) {
        if (e instanceof ScimServiceException s && s.getScimError() != null) {
            return s.getScimError().getStatus();
        }
        return e.getScimError() == null ? 0 : e.getScimError().getStatus();
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String emptyToNull(String v) {
        return v == null || v.isEmpty() ? null : v;
    }

    private static void putIfPresent(Map<String, String> m, String k, String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }

    @FunctionalInterface
    private interface ScimCall<T> {
        T run() throws ScimException;
    }
}
