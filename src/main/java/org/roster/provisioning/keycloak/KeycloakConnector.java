package org.roster.provisioning.keycloak;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
import org.roster.provisioning.EntitlementOp;
import org.roster.provisioning.PostureOp;
import org.roster.provisioning.ReadOp;
import org.roster.provisioning.RetryableConnectorException;
import org.roster.provisioning.SessionsOp;
import org.roster.provisioning.TargetAccount;
import org.roster.provisioning.UpdateOp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Users of one Keycloak realm through its admin REST API, as a service account (client
 * credentials). A user is found by its {@code employeeNumber} attribute (the realm's user profile
 * must allow it), so a renamed user is still found. An entitlement is a group (by name), or a realm
 * role when written {@code role:<name>}. Disabling a user also logs out all its sessions (offline
 * ones included) and revokes every consent, so refresh tokens stop working at once: a disabled
 * account alone leaves live sessions behind.
 */
public final class KeycloakConnector implements Connector, CreateOp, UpdateOp, EnableOp, EntitlementOp, ReadOp,
    DeleteOp, SessionsOp, PostureOp, org.roster.provisioning.ListOp, org.roster.provisioning.CredentialOp,
    org.roster.provisioning.NonHumanListOp,
    org.roster.provisioning.NonHumanAccountOp {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ROLE = "role:";
    private static final Set<String> BUILT_IN_ROLES = Set.of("offline_access", "uma_authorization");

    private final String name;
    private final KeycloakSettings settings;
    private final String secret;
    private final HttpClient http;
    private final Map<String, Object> creating = new java.util.concurrent.ConcurrentHashMap<>();
    private @Nullable String token;
    private Instant tokenExpires = Instant.EPOCH;

    /** The longest answer read, in bytes ({@code max-response-size}). */
    private final long maxResponse;

    public KeycloakConnector(String name, KeycloakSettings settings, String secret, long maxResponse) {
        this.maxResponse = maxResponse;
        this.name = name;
        this.settings = settings;
        this.secret = secret;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
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
        if (find(identity).isPresent()) {
            update(identity, attributes);
            enable(identity);
            return;
        }
        ObjectNode user = JsonNodeFactory.instance.objectNode();
        user.put("username", userName);
        user.put("enabled", true);
        apply(user, attributes, identity);
        call("POST", "/users", user, "create user " + userName);
    }

    @Override
    public void update(String identity, Map<String, String> changes) throws ConnectorException {
        ObjectNode user = require(identity);
        apply(user, changes, identity);
        String id = user.path("id").asString();
        call("PUT", "/users/" + id, user, "update user " + identity);
        String userName = changes.get("userName");
        if (userName != null && !userName.isEmpty() && !userName.equalsIgnoreCase(user.path("username").asString())) {
            rename(identity, id, userName);
        }
    }

    /**
     * The new username, on its own after the other attributes (which a realm that keeps usernames
     * fixed would refuse with it): the user's id, sessions, roles and groups stay. A realm whose
     * "Edit username" is off refuses it; the operation then fails without retry, saying so, the other
     * attributes already written.
     */
    private void rename(String identity, String id, String userName) throws ConnectorException {
        try {
            call("PUT", "/users/" + id, JsonNodeFactory.instance.objectNode().put("username", userName),
                "rename user " + identity + " to " + userName);
        } catch (ConnectorException e) {
            if (!(e instanceof RetryableConnectorException) && e.getMessage() != null
                && e.getMessage().contains("error-user-attribute-read-only")) {
                throw new ConnectorException("rename user " + identity + " to " + userName + " on " + name + ": realm "
                    + settings.realm() + " does not let usernames change; its other attributes were updated. Turn on"
                    + " \"Edit username\" in the realm's settings (editUsernameAllowed), then retry the dead letter", e);
            }
            throw e;
        }
    }

    @Override
    public void enable(String identity) throws ConnectorException {
        ObjectNode user = require(identity);
        call("PUT", "/users/" + user.path("id").asString(), JsonNodeFactory.instance.objectNode().put("enabled", true),
            "enable user " + identity);
    }

    /** Disabled, every session logged out (offline ones too), every consent revoked. */
    @Override
    public void disable(String identity) throws ConnectorException {
        Optional<ObjectNode> user = find(identity);
        if (user.isEmpty()) {
            return;
        }
        String id = user.get().path("id").asString();
        call("PUT", "/users/" + id, JsonNodeFactory.instance.objectNode().put("enabled", false), "disable user " + identity);
        call("POST", "/users/" + id + "/logout", null, "log out user " + identity);
        for (JsonNode consent : call("GET", "/users/" + id + "/consents", null, "read consents of " + identity)) {
            String client = consent.path("clientId").asString();
            call("DELETE", "/users/" + id + "/consents/" + encode(client), null, "revoke consent to " + client);
        }
    }

    @Override
    public void delete(String identity) throws ConnectorException {
        Optional<ObjectNode> user = find(identity);
        if (user.isPresent()) {
            call("DELETE", "/users/" + user.get().path("id").asString(), null, "delete user " + identity);
        }
    }

    @Override
    public void addEntitlement(String identity, String entitlement) throws ConnectorException {
        String id = require(identity).path("id").asString();
        if (entitlement.startsWith(ROLE)) {
            JsonNode role = call("GET", "/roles/" + encode(entitlement.substring(ROLE.length())), null,
                "find realm role " + entitlement);
            call("POST", "/users/" + id + "/role-mappings/realm", JsonNodeFactory.instance.arrayNode().add(role),
                "grant " + entitlement + " to " + identity);
            return;
        }
        String group = groupOrCreate(entitlement);
        call("PUT", "/users/" + id + "/groups/" + group, null, "add " + identity + " to group " + entitlement);
    }

    @Override
    public void removeEntitlement(String identity, String entitlement) throws ConnectorException {
        Optional<ObjectNode> user = find(identity);
        if (user.isEmpty()) {
            return;
        }
        String id = user.get().path("id").asString();
        if (entitlement.startsWith(ROLE)) {
            JsonNode role = call("GET", "/roles/" + encode(entitlement.substring(ROLE.length())), null,
                "find realm role " + entitlement);
            if (!role.isMissingNode()) {
                call("DELETE", "/users/" + id + "/role-mappings/realm", JsonNodeFactory.instance.arrayNode().add(role),
                    "take " + entitlement + " from " + identity);
            }
            return;
        }
        Optional<String> group = group(entitlement);
        if (group.isPresent()) {
            call("DELETE", "/users/" + id + "/groups/" + group.get(), null, "remove " + identity + " from " + entitlement);
        }
    }

    @Override
    public Optional<TargetAccount> read(String identity) throws ConnectorException {
        Optional<ObjectNode> found = find(identity);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode u = found.get();
        String id = u.path("id").asString();
        Map<String, String> attributes = attributes(u);
        attributes.put("employeeNumber", identity);
        Set<String> entitlements = new TreeSet<>();
        call("GET", "/users/" + id + "/groups", null, "read groups of " + identity)
            .forEach(g -> entitlements.add(g.path("name").asString()));
        call("GET", "/users/" + id + "/role-mappings/realm", null, "read roles of " + identity).forEach(r -> {
            String role = r.path("name").asString();
            if (!BUILT_IN_ROLES.contains(role) && !role.startsWith("default-roles-")) {
                entitlements.add(ROLE + role);
            }
        });
        return Optional.of(new TargetAccount(identity, u.path("enabled").asBoolean(true), attributes, entitlements));
    }

    /** Groups and realm roles with their members first, then every user, all with {@code first}/{@code max} paging. */
    @Override
    public long list(int pageSize, java.util.function.Consumer<ListedAccount> each) throws ConnectorException {
        Map<String, Set<String>> entitlements = new java.util.HashMap<>();
        for (JsonNode g : pages("/groups?briefRepresentation=true", pageSize)) {
            for (JsonNode m : pages("/groups/" + g.path("id").asString() + "/members?briefRepresentation=true", pageSize)) {
                entitlements.computeIfAbsent(m.path("id").asString(), k -> new TreeSet<>()).add(g.path("name").asString());
            }
        }
        for (JsonNode r : call("GET", "/roles", null, "list realm roles")) {
            String role = r.path("name").asString();
            if (BUILT_IN_ROLES.contains(role) || role.startsWith("default-roles-")) {
                continue;
            }
            for (JsonNode m : pages("/roles/" + encode(role) + "/users", pageSize)) {
                entitlements.computeIfAbsent(m.path("id").asString(), k -> new TreeSet<>()).add(ROLE + role);
            }
        }
        long count = 0;
        for (int first = 0; ; first += pageSize) {
            JsonNode page = call("GET", "/users?briefRepresentation=false&first=" + first + "&max=" + pageSize, null,
                "list users");
            for (JsonNode u : page) {
                String id = u.path("id").asString();
                each.accept(new ListedAccount(id, u.path("attributes").path("employeeNumber").path(0).asString(null),
                    u.path("enabled").asBoolean(true), attributes(u), entitlements.getOrDefault(id, Set.of())));
                count++;
            }
            if (page.size() < pageSize) {
                return count;
            }
        }
    }

    /** Every item of a listing, a page of {@code size} at a time. */
    private List<JsonNode> pages(String path, int size) throws ConnectorException {
        List<JsonNode> all = new java.util.ArrayList<>();
        String sep = path.contains("?") ? "&" : "?";
        for (int first = 0; ; first += size) {
            JsonNode page = call("GET", path + sep + "first=" + first + "&max=" + size, null, "list " + path);
            page.forEach(all::add);
            if (page.size() < size) {
                return all;
            }
        }
    }

    @Override
    public int liveSessions(String identity) throws ConnectorException {
        Optional<ObjectNode> user = find(identity);
        if (user.isEmpty()) {
            return 0;
        }
        String id = user.get().path("id").asString();
        int offline = 0;
        for (JsonNode consent : call("GET", "/users/" + id + "/consents", null, "read consents of " + identity)) {
            for (JsonNode grant : consent.path("additionalGrants")) {
                if (grant.path("key").asString("").toLowerCase(java.util.Locale.ROOT).contains("offline")) {
                    offline++;
                }
            }
        }
        return call("GET", "/users/" + id + "/sessions", null, "read sessions of " + identity).size() + offline;
    }

    @Override
    public Map<String, Duration> lifetimes() throws ConnectorException {
        JsonNode realm = call("GET", "", null, "read realm " + settings.realm());
        Map<String, Duration> out = new LinkedHashMap<>();
        for (String key : new String[] {"accessTokenLifespan", "ssoSessionIdleTimeout", "ssoSessionMaxLifespan",
            "clientSessionMaxLifespan", "offlineSessionIdleTimeout"}) {
            long seconds = realm.path(key).asLong(0);
            if (seconds > 0) {
                out.put(key, Duration.ofSeconds(seconds));
            }
        }
        if (realm.path("offlineSessionMaxLifespanEnabled").asBoolean(false)) {
            out.put("offlineSessionMaxLifespan", Duration.ofSeconds(realm.path("offlineSessionMaxLifespan").asLong(0)));
        } else {
            out.put("offlineSessionMaxLifespan (off: offline sessions never expire)", Duration.ofDays(36_500));
        }
        return out;
    }

    /** The realm's clients with a service account (workloads' OAuth clients), Roster's own excepted. */
    @Override
    public java.util.List<NonHumanAccount> nonHumanAccounts() throws ConnectorException {
        java.util.List<NonHumanAccount> out = new java.util.ArrayList<>();
        for (int first = 0; first < 100_000; first += 200) {
            JsonNode page = call("GET", "/clients?first=" + first + "&max=200", null, "list clients");
            for (JsonNode c : page) {
                String clientId = c.path("clientId").asString("");
                if (c.path("serviceAccountsEnabled").asBoolean(false) && !clientId.equals(settings.clientId())) {
                    // Keycloak notes when it made the current secret (seconds since the epoch)
                    long made = c.path("attributes").path("client.secret.creation.time").asLong(0);
                    out.add(new NonHumanAccount(clientId, "oauth-client", c.path("description").asString(""),
                        made > 0 ? java.time.Instant.ofEpochSecond(made) : null));
                }
            }
            if (page.size() < 200) {
                break;
            }
        }
        return out;
    }

    /**
     * Regenerates a confidential client's secret (needs the realm-management role
     * {@code manage-clients}); the old secret is refused by the token endpoint from then on.
     */
    @Override
    public String rotateSecret(String clientId) throws ConnectorException {
        JsonNode found = call("GET", "/clients?clientId=" + encode(clientId), null, "find client " + clientId);
        if (!found.isArray() || found.isEmpty()) {
            throw new ConnectorException("client " + clientId + " does not exist in realm " + settings.realm() + " on " + name);
        }
        String id = found.get(0).path("id").asString();
        JsonNode made = call("POST", "/clients/" + encode(id) + "/client-secret", null, "regenerate the secret of client "
            + clientId);
        String value = made.path("value").asString("");
        if (value.isEmpty()) {
            throw new ConnectorException("regenerating the secret of client " + clientId + " on " + name
                + " returned no value");
        }
        return value;
    }

    /**
     * Disables the client (no token is issued to it any more) and pushes a not-before revocation,
     * so that tokens it already holds are refused by resource servers that check with Keycloak.
     */
    @Override
    public void disableNonHuman(String clientId) throws ConnectorException {
        Optional<String> id = clientUuid(clientId);
        if (id.isEmpty()) {
            return; // nothing to disable is disabled
        }
        call("PUT", "/clients/" + encode(id.get()), JsonNodeFactory.instance.objectNode().put("enabled", false)
            .put("notBefore", (int) (System.currentTimeMillis() / 1000)), "disable client " + clientId);
    }

    @Override
    public void deleteNonHuman(String clientId) throws ConnectorException {
        Optional<String> id = clientUuid(clientId);
        if (id.isPresent()) {
            call("DELETE", "/clients/" + encode(id.get()), null, "delete client " + clientId);
        }
    }

    private Optional<String> clientUuid(String clientId) throws ConnectorException {
        JsonNode found = call("GET", "/clients?clientId=" + encode(clientId), null, "find client " + clientId);
        for (JsonNode c : found) {
            if (c.path("clientId").asString("").equals(clientId)) {
                return Optional.of(c.path("id").asString());
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        // the JDK client of Java 17 has nothing to close
    }

    private Optional<ObjectNode> find(String identity) throws ConnectorException {
        JsonNode found = call("GET", "/users?exact=true&briefRepresentation=false&q=" + encode("employeeNumber:" + identity),
            null, "find user " + identity);
        ObjectNode match = null;
        for (JsonNode u : found) {
            if (u.path("attributes").path("employeeNumber").path(0).asString("").equals(identity)) {
                if (match != null) {
                    throw new ConnectorException("several users in realm " + settings.realm() + " have employeeNumber "
                        + identity);
                }
                match = (ObjectNode) u;
            }
        }
        return Optional.ofNullable(match);
    }

    private ObjectNode require(String identity) throws ConnectorException {
        return find(identity).orElseThrow(() -> new ConnectorException("no user with employeeNumber " + identity
            + " in realm " + settings.realm()));
    }

    /** One creation per group name at a time: several senders adding the first members must not race. */
    private String groupOrCreate(String entitlement) throws ConnectorException {
        Optional<String> found = group(entitlement);
        if (found.isPresent()) {
            return found.get();
        }
        synchronized (creating.computeIfAbsent(entitlement, k -> new Object())) {
            found = group(entitlement);
            if (found.isPresent()) {
                return found.get();
            }
            if (!settings.createGroups()) {
                throw new ConnectorException("group '" + entitlement + "' does not exist in realm " + settings.realm());
            }
            try {
                call("POST", "/groups", JsonNodeFactory.instance.objectNode().put("name", entitlement),
                    "create group " + entitlement);
            } catch (ConnectorException e) {
                if (!e.getMessage().contains("HTTP 409")) {
                    throw e; // a 409 is another instance creating it first: use theirs
                }
            }
            return group(entitlement).orElseThrow(() -> new RetryableConnectorException("group " + entitlement
                + " not found right after it was created"));
        }
    }

    private Optional<String> group(String name) throws ConnectorException {
        for (JsonNode g : call("GET", "/groups?exact=true&search=" + encode(name), null, "find group " + name)) {
            if (g.path("name").asString().equals(name)) {
                return Optional.of(g.path("id").asString());
            }
        }
        return Optional.empty();
    }

    /** The user's HR attributes under Roster's names. */
    private static Map<String, String> attributes(JsonNode u) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("userName", u.path("username").asString());
        putIfPresent(attributes, "email", u.path("email").asString(null));
        putIfPresent(attributes, "givenName", u.path("firstName").asString(null));
        putIfPresent(attributes, "familyName", u.path("lastName").asString(null));
        putIfPresent(attributes, "employeeNumber", u.path("attributes").path("employeeNumber").path(0).asString(null));
        putIfPresent(attributes, "department", u.path("attributes").path("department").path(0).asString(null));
        putIfPresent(attributes, "title", u.path("attributes").path("title").path(0).asString(null));
        return attributes;
    }

    /**
     * Department and title are kept only where the realm's user profile allows unmanaged attributes,
     * so they are not compared. (Keycloak lower-cases e-mail addresses; reconciliation compares e-mail
     * without case everywhere.)
     */
    @Override
    public Set<String> comparedAttributes() {
        return Set.of("email", "givenName", "familyName");
    }

    private static void apply(ObjectNode user, Map<String, String> a, String identity) {
        putOrRemove(user, "email", a, "email");
        putOrRemove(user, "firstName", a, "givenName");
        putOrRemove(user, "lastName", a, "familyName");
        ObjectNode attrs = user.has("attributes") && user.get("attributes").isObject()
            ? (ObjectNode) user.get("attributes") : user.putObject("attributes");
        attrs.set("employeeNumber", JsonNodeFactory.instance.arrayNode().add(identity));
        for (String key : new String[] {"department", "title"}) {
            if (a.containsKey(key)) {
                if (a.get(key).isEmpty()) {
                    attrs.remove(key);
                } else {
                    attrs.set(key, JsonNodeFactory.instance.arrayNode().add(a.get(key)));
                }
            }
        }
    }

    private static void putOrRemove(ObjectNode user, String field, Map<String, String> a, String key) {
        if (a.containsKey(key)) {
            if (a.get(key).isEmpty()) {
                user.putNull(field);
            } else {
                user.put(field, a.get(key));
            }
        }
    }

    private JsonNode call(String method, String path, @Nullable JsonNode body, String what) throws ConnectorException {
        HttpResponse<String> response = send(method, path, body, what, false);
        if (response.statusCode() == 401) {
            response = send(method, path, body, what, true);
        }
        int status = response.statusCode();
        if (status == 404 && method.equals("GET") && path.startsWith("/roles/")) {
            throw new ConnectorException(what + " in realm " + settings.realm() + ": no such realm role");
        }
        if (status == 404 && method.equals("DELETE")) {
            return JsonNodeFactory.instance.objectNode(); // already gone
        }
        if (status >= 200 && status < 300) {
            return response.body().isBlank() ? JsonNodeFactory.instance.objectNode() : JSON.readTree(response.body());
        }
        String message = what + " on " + name + ": HTTP " + status + " "
            + response.body().substring(0, Math.min(300, response.body().length()));
        if (status >= 500 || status == 429 || status == 408) {
            throw new RetryableConnectorException(message);
        }
        throw new ConnectorException(message);
    }

    private HttpResponse<String> send(String method, String path, @Nullable JsonNode body, String what, boolean renew)
        throws ConnectorException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + "/admin/realms/"
                + encode(settings.realm()) + path))
            .timeout(settings.timeout())
            .header("Authorization", "Bearer " + token(renew))
            .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return exchange(request.build(), what);
    }

    /** The service account's access token, by client credentials, renewed before it expires. */
    private synchronized String token(boolean renew) throws ConnectorException {
        if (!renew && token != null && Instant.now().isBefore(tokenExpires.minusSeconds(30))) {
            return token;
        }
        String form = "grant_type=client_credentials&client_id=" + encode(settings.clientId()) + "&client_secret="
            + encode(secret);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base() + "/realms/" + encode(settings.realm())
                + "/protocol/openid-connect/token"))
            .timeout(settings.timeout())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> response = exchange(request, "get a token for client " + settings.clientId());
        if (response.statusCode() != 200) {
            String message = "get a token for client " + settings.clientId() + " on " + name + ": HTTP "
                + response.statusCode();
            throw response.statusCode() >= 500 ? new RetryableConnectorException(message) : new ConnectorException(message);
        }
        JsonNode t = JSON.readTree(response.body());
        token = t.path("access_token").asString();
        tokenExpires = Instant.now().plusSeconds(t.path("expires_in").asLong(60));
        return token;
    }

    private HttpResponse<String> exchange(HttpRequest request, String what) throws ConnectorException {
        try {
            return org.roster.runtime.HttpAnswers.send(http, request, maxResponse, settings.timeout().multipliedBy(2));
        } catch (org.roster.runtime.HttpAnswers.TooLarge e) {
            throw new ConnectorException(what + " on " + name + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new RetryableConnectorException(what + " on " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableConnectorException(what + " on " + name + ": interrupted", e);
        }
    }

    private String base() {
        return settings.url().endsWith("/") ? settings.url().substring(0, settings.url().length() - 1) : settings.url();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void putIfPresent(Map<String, String> m, String k, @Nullable String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }

}
