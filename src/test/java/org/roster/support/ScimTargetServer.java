package org.roster.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import de.captaingoldfish.scim.sdk.common.constants.enums.HttpMethod;
import de.captaingoldfish.scim.sdk.common.constants.enums.SortOrder;
import de.captaingoldfish.scim.sdk.common.exceptions.ConflictException;
import de.captaingoldfish.scim.sdk.common.exceptions.ResourceNotFoundException;
import de.captaingoldfish.scim.sdk.common.resources.Group;
import de.captaingoldfish.scim.sdk.common.resources.ResourceNode;
import de.captaingoldfish.scim.sdk.common.resources.ServiceProvider;
import de.captaingoldfish.scim.sdk.common.resources.User;
import de.captaingoldfish.scim.sdk.common.resources.complex.BulkConfig;
import de.captaingoldfish.scim.sdk.common.resources.complex.ChangePasswordConfig;
import de.captaingoldfish.scim.sdk.common.resources.complex.ETagConfig;
import de.captaingoldfish.scim.sdk.common.resources.complex.FilterConfig;
import de.captaingoldfish.scim.sdk.common.resources.complex.Meta;
import de.captaingoldfish.scim.sdk.common.resources.complex.PatchConfig;
import de.captaingoldfish.scim.sdk.common.resources.complex.SortConfig;
import de.captaingoldfish.scim.sdk.common.response.ScimResponse;
import de.captaingoldfish.scim.sdk.common.schemas.SchemaAttribute;
import de.captaingoldfish.scim.sdk.server.endpoints.Context;
import de.captaingoldfish.scim.sdk.server.endpoints.ResourceEndpoint;
import de.captaingoldfish.scim.sdk.server.endpoints.ResourceHandler;
import de.captaingoldfish.scim.sdk.server.endpoints.authorize.Authorization;
import de.captaingoldfish.scim.sdk.server.endpoints.base.GroupEndpointDefinition;
import de.captaingoldfish.scim.sdk.server.endpoints.base.UserEndpointDefinition;
import de.captaingoldfish.scim.sdk.server.filter.FilterNode;
import de.captaingoldfish.scim.sdk.server.response.PartialListResponse;
import de.captaingoldfish.scim.sdk.server.schemas.ResourceType;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An independent SCIM 2.0 service provider to provision into: Ping/captaingoldfish's
 * {@code scim-sdk-server} (not Roster's own SCIM code), with Users and Groups kept in memory, on
 * the JDK's HTTP server on a free loopback port, behind a bearer token. It does filtering, sorting,
 * PATCH and ETags itself. {@link #setDown} makes it answer 503, to exercise an outage.
 */
public final class ScimTargetServer implements AutoCloseable {

    public static final String TOKEN = "scim-target-token-0123456789";
    /** Client credentials its token endpoint ({@code /oauth/token}) accepts, for the bearer {@link #TOKEN}. */
    public static final String CLIENT_ID = "roster-client";
    public static final String CLIENT_SECRET = "roster-client-secret-0123";

    private final HttpServer http;
    private final ResourceEndpoint endpoint;
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, Group> groups = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong tokens = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong groupPatches = new AtomicLong();
    private volatile boolean down;
    private volatile boolean refusesOr;

    public ScimTargetServer() throws IOException {
        ServiceProvider provider = ServiceProvider.builder()
            .filterConfig(new FilterConfig(true, 500))
            .sortConfig(new SortConfig(true))
            .patchConfig(new PatchConfig(true, null, null, null, null, null, null))
            .eTagConfig(new ETagConfig(true))
            .changePasswordConfig(new ChangePasswordConfig(false))
            .bulkConfig(new BulkConfig(true, 50, 1_048_576L, false, false, false))
            .authenticationSchemes(List.of(de.captaingoldfish.scim.sdk.common.resources.multicomplex.AuthenticationScheme
                .builder().name("Bearer").description("a bearer token").type("oauthbearertoken").primary(true).build()))
            .build();
        endpoint = new ResourceEndpoint(provider);
        ResourceType userType = endpoint.registerEndpoint(new UserEndpointDefinition(new Users(users)));
        ResourceType groupType = endpoint.registerEndpoint(new GroupEndpointDefinition(new Groups(groups)));
        for (ResourceType type : List.of(userType, groupType)) {
            type.getFeatures().setAutoFiltering(true);
            type.getFeatures().setAutoSorting(true);
        }
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(Executors.newFixedThreadPool(8));
        http.createContext("/scim/v2", this::handle);
        http.createContext("/oauth/token", this::token);
        http.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/scim/v2";
    }

    public void setDown(boolean down) {
        this.down = down;
    }

    public long requests() {
        return requests.get();
    }

    /** The PATCH requests to a group it was sent so far. */
    public long groupPatches() {
        return groupPatches.get();
    }

    /** The bytes of the response bodies it sent so far. */
    public long bytesSent() {
        return bytesSent.get();
    }

    /** Makes it answer 400 to a search whose filter has an {@code or}, as some applications' SCIM does. */
    public void setRefusesOr(boolean refuses) {
        this.refusesOr = refuses;
    }

    public String tokenUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/oauth/token";
    }

    /** How many access tokens its token endpoint issued. */
    public long tokensIssued() {
        return tokens.get();
    }

    /** The client credentials grant with HTTP Basic client authentication. */
    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String expected = "Basic " + java.util.Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET)
                .getBytes(StandardCharsets.UTF_8));
            if (!body.contains("grant_type=client_credentials")
                || !expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            tokens.incrementAndGet();
            byte[] out = ("{\"access_token\": \"" + TOKEN + "\", \"token_type\": \"Bearer\", \"expires_in\": 300}")
                .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        }
    }

    public Map<String, User> users() {
        return users;
    }

    public Map<String, Group> groups() {
        return groups;
    }

    /** The user with this externalId, if any. */
    public java.util.Optional<User> userByExternalId(String externalId) {
        return users.values().stream().filter(u -> externalId.equals(u.getExternalId().orElse(null))).findFirst();
    }

    /** The displayNames of the groups a user is a member of. */
    public Set<String> groupsOf(String userId) {
        Set<String> names = new java.util.TreeSet<>();
        groups.values().forEach(g -> g.getMembers().forEach(m -> {
            if (userId.equals(m.getValue().orElse(null))) {
                names.add(g.getDisplayName().orElse("?"));
            }
        }));
        return names;
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            if (down) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            String query = exchange.getRequestURI().getQuery();
            if (refusesOr && query != null && query.replace('+', ' ').contains(" or ")) {
                byte[] refusal = ("{\"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:Error\"], \"status\": \"400\","
                    + " \"scimType\": \"invalidFilter\", \"detail\": \"or is not supported\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/scim+json");
                exchange.sendResponseHeaders(400, refusal.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(refusal);
                }
                return;
            }
            if (exchange.getRequestMethod().equals("PATCH") && exchange.getRequestURI().getPath().contains("/Groups/")) {
                groupPatches.incrementAndGet();
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, String.join(",", v)));
            String url = baseUrl().replace("/scim/v2", "") + exchange.getRequestURI();
            ScimResponse response = endpoint.handleRequest(url, HttpMethod.valueOf(exchange.getRequestMethod()),
                body.isEmpty() ? null : body, headers, new Context(new BearerToken()));
            response.getHttpHeaders().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = response.getHttpStatus() == 204 ? new byte[0] : response.toString().getBytes(StandardCharsets.UTF_8);
            bytesSent.addAndGet(out.length);
            exchange.sendResponseHeaders(response.getHttpStatus(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }

    /** Only requests with the bearer token are let in. */
    private static final class BearerToken implements Authorization {
        @Override
        public Set<String> getClientRoles() {
            return Set.of();
        }

        @Override
        public boolean authenticate(Map<String, String> headers, Map<String, String> query) {
            return headers.entrySet().stream().anyMatch(e -> e.getKey().equalsIgnoreCase("Authorization")
                && e.getValue().equals("Bearer " + TOKEN));
        }
    }

    /** The SDK reads the resource type from the handler's class: one concrete class per type. */
    private static final class Users extends Store<User> {
        Users(Map<String, User> users) {
            super(users, "User");
        }
    }

    private static final class Groups extends Store<Group> {
        Groups(Map<String, Group> groups) {
            super(groups, "Group");
        }
    }

    /** Resources in a map; the SDK filters, sorts and patches them. */
    private abstract static class Store<T extends ResourceNode> extends ResourceHandler<T> {

        private final Map<String, T> resources;
        private final String type;

        Store(Map<String, T> resources, String type) {
            this.resources = resources;
            this.type = type;
        }

        @Override
        public T createResource(T resource, Context context) {
            if (resource instanceof User u) {
                String name = u.getUserName().orElse("");
                if (resources.values().stream().anyMatch(r -> name.equalsIgnoreCase(((User) r).getUserName().orElse("")))) {
                    throw new ConflictException("userName '" + name + "' is taken");
                }
            }
            String id = UUID.randomUUID().toString();
            resource.setId(id);
            Instant now = Instant.now();
            stamp(resource, now, now);
            resources.put(id, resource);
            return resource;
        }

        @Override
        public T getResource(String id, List<SchemaAttribute> attributes, List<SchemaAttribute> excluded, Context context) {
            return resources.get(id);
        }

        @Override
        public PartialListResponse<T> listResources(long startIndex, int count, FilterNode filter, SchemaAttribute sortBy,
                                                    SortOrder sortOrder, List<SchemaAttribute> attributes,
                                                    List<SchemaAttribute> excluded, Context context) {
            List<T> all = new ArrayList<>(resources.values());
            return PartialListResponse.<T>builder().resources(all).totalResults(all.size()).build();
        }

        @Override
        public T updateResource(T resource, Context context) {
            String id = resource.getId().orElseThrow();
            T old = resources.get(id);
            if (old == null) {
                throw new ResourceNotFoundException("no " + type + " " + id);
            }
            stamp(resource, old.getMeta().flatMap(Meta::getCreated).orElse(Instant.now()), Instant.now());
            resources.put(id, resource);
            return resource;
        }

        private void stamp(T resource, Instant created, Instant modified) {
            if (resource.getMeta().isPresent()) {
                Meta meta = resource.getMeta().get();
                meta.setResourceType(type);
                meta.setCreated(created);
                meta.setLastModified(modified);
            } else {
                resource.setMeta(Meta.builder().resourceType(type).created(created).lastModified(modified).build());
            }
        }

        @Override
        public void deleteResource(String id, Context context) {
            if (resources.remove(id) == null) {
                throw new ResourceNotFoundException("no " + type + " " + id);
            }
        }
    }
}
