package org.roster.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Keycloak (the {@code keycloak-quarkus-dist} zip from Maven Central, unpacked by the build
 * into {@code target/keycloak}), started once per test JVM in dev mode on free loopback ports, and
 * an admin client to set realms up the way an IAM team would for Roster.
 */
public final class Keycloak {

    public static final String ADMIN_PASSWORD = "kc-admin-secret-0123456789";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Keycloak shared;

    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private Keycloak(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static synchronized Keycloak shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    private static Keycloak start() {
        Path home;
        try (Stream<Path> dirs = Files.list(Path.of("target/keycloak"))) {
            home = dirs.filter(d -> d.getFileName().toString().startsWith("keycloak-")).findFirst().orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Keycloak is not unpacked under target/keycloak: run the build"
                + " (mvn generate-test-resources unpacks org.keycloak:keycloak-quarkus-dist)", e);
        }
        try {
            org.springframework.util.FileSystemUtils.deleteRecursively(home.resolve("data"));
            int port = freePort();
            int management = freePort();
            ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + management,
                "--health-enabled=true")
                .redirectErrorStream(true).redirectOutput(home.resolve("keycloak.log").toFile());
            pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
            pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
            // the client compiler only: its build and start took 51 core-seconds on two cores, 27 to 29 so
            // (36 s to ready against 29 to 31, 2026-12-07); the tests' few requests do not need C2
            pb.environment().put("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
            Keycloak kc = new Keycloak(pb.start(), port);
            Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
            while (Instant.now().isBefore(deadline)) {
                if (!kc.process.isAlive()) {
                    throw new IllegalStateException("Keycloak exited: " + Files.readString(home.resolve("keycloak.log")));
                }
                try {
                    HttpResponse<String> r = kc.http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + management + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return kc;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(250);
            }
            kc.stop();
            throw new IllegalStateException("Keycloak was not ready within 3 minutes: see " + home.resolve("keycloak.log"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Keycloak: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void stop() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
    }

    // --- administration, as an IAM team sets a realm up for Roster ---

    /** A realm with the user profile open to custom attributes (Roster's employeeNumber). */
    public void createRealm(String realm) {
        admin("POST", "/admin/realms", "{\"realm\": \"" + realm + "\", \"enabled\": true}", 201);
        JsonNode profile = admin("GET", "/admin/realms/" + realm + "/users/profile", null, 200);
        ((tools.jackson.databind.node.ObjectNode) profile).put("unmanagedAttributePolicy", "ENABLED");
        admin("PUT", "/admin/realms/" + realm + "/users/profile", JSON.writeValueAsString(profile), 200);
    }

    /** Lets usernames change in the realm ("Edit username" in its settings), as a realm that follows HR's renames does. */
    public void allowUsernameEdits(String realm) {
        admin("PUT", "/admin/realms/" + realm, "{\"editUsernameAllowed\": true}", 204);
    }

    /**
     * The confidential client Roster uses: a service account with the realm-management roles it
     * needs and nothing more.
     *
     * @return its secret
     */
    public String createRosterClient(String realm, String clientId) {
        return createRosterClient(realm, clientId, new String[0]);
    }

    /**
     * The same, with more realm-management roles (e.g. {@code manage-clients} for a Roster that
     * rotates client secrets).
     */
    public String createRosterClient(String realm, String clientId, String... extraRoles) {
        admin("POST", "/admin/realms/" + realm + "/clients", """
            {"clientId": "%s", "enabled": true, "publicClient": false, "serviceAccountsEnabled": true,
             "standardFlowEnabled": false, "directAccessGrantsEnabled": false}""".formatted(clientId), 201);
        String id = admin("GET", "/admin/realms/" + realm + "/clients?clientId=" + clientId, null, 200).get(0)
            .path("id").asString();
        String secret = admin("GET", "/admin/realms/" + realm + "/clients/" + id + "/client-secret", null, 200)
            .path("value").asString();
        String serviceUser = admin("GET", "/admin/realms/" + realm + "/clients/" + id + "/service-account-user", null, 200)
            .path("id").asString();
        String management = admin("GET", "/admin/realms/" + realm + "/clients?clientId=realm-management", null, 200)
            .get(0).path("id").asString();
        StringBuilder roles = new StringBuilder("[");
        java.util.List<String> wanted = new java.util.ArrayList<>(java.util.List.of("manage-users", "view-users",
            "query-groups", "view-realm"));
        wanted.addAll(java.util.List.of(extraRoles));
        for (String role : wanted) {
            JsonNode r = admin("GET", "/admin/realms/" + realm + "/clients/" + management + "/roles/" + role, null, 200);
            roles.append(roles.length() > 1 ? "," : "").append(JSON.writeValueAsString(r));
        }
        admin("POST", "/admin/realms/" + realm + "/users/" + serviceUser + "/role-mappings/clients/" + management,
            roles.append("]").toString(), 204);
        return secret;
    }

    /** A public client the workforce signs in with, whose tokens carry {@code audience} for introspection. */
    public void createAppClient(String realm, String clientId, String audience) {
        admin("POST", "/admin/realms/" + realm + "/clients", """
            {"clientId": "%s", "enabled": true, "publicClient": true, "directAccessGrantsEnabled": true,
             "protocolMappers": [{"name": "audience", "protocol": "openid-connect",
               "protocolMapper": "oidc-audience-mapper",
               "config": {"included.client.audience": "%s", "access.token.claim": "true",
                          "introspection.token.claim": "true"}}]}""".formatted(clientId, audience), 201);
    }

    /**
     * The confidential client people sign in to Roster with (authorization code flow), with a
     * {@code groups} claim listing their groups by name.
     *
     * @return its secret
     */
    public String createSignInClient(String realm, String clientId) {
        admin("POST", "/admin/realms/" + realm + "/clients", """
            {"clientId": "%s", "enabled": true, "publicClient": false, "standardFlowEnabled": true,
             "directAccessGrantsEnabled": false, "redirectUris": ["http://127.0.0.1:*", "*"],
             "protocolMappers": [{"name": "groups", "protocol": "openid-connect",
               "protocolMapper": "oidc-group-membership-mapper",
               "config": {"claim.name": "groups", "full.path": "false", "id.token.claim": "true",
                          "access.token.claim": "true", "userinfo.token.claim": "true"}}]}""".formatted(clientId), 201);
        String id = admin("GET", "/admin/realms/" + realm + "/clients?clientId=" + clientId, null, 200).get(0)
            .path("id").asString();
        return admin("GET", "/admin/realms/" + realm + "/clients/" + id + "/client-secret", null, 200)
            .path("value").asString();
    }

    /** A confidential client with a service account (a workload's OAuth client); returns its secret. */
    public String createServiceClient(String realm, String clientId) {
        admin("POST", "/admin/realms/" + realm + "/clients", """
            {"clientId": "%s", "enabled": true, "publicClient": false, "serviceAccountsEnabled": true,
             "standardFlowEnabled": false, "directAccessGrantsEnabled": false}""".formatted(clientId), 201);
        String id = admin("GET", "/admin/realms/" + realm + "/clients?clientId=" + clientId, null, 200).get(0)
            .path("id").asString();
        return admin("GET", "/admin/realms/" + realm + "/clients/" + id + "/client-secret", null, 200)
            .path("value").asString();
    }

    /** A client's representation, or null when the realm has no such client. */
    public JsonNode client(String realm, String clientId) {
        JsonNode found = admin("GET", "/admin/realms/" + realm + "/clients?clientId=" + clientId, null, 200);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The token endpoint's answer to a client-credentials grant with this secret (200 or 401). */
    public int clientCredentialsStatus(String realm, String clientId, String secret) {
        return formRaw("/realms/" + realm + "/protocol/openid-connect/token", Map.of("grant_type", "client_credentials",
            "client_id", clientId, "client_secret", secret)).statusCode();
    }

    /** A person with a password, names and a verified e-mail (so the first sign-in asks nothing more). */
    public String createPerson(String realm, String userName, String email, String password) {
        admin("POST", "/admin/realms/" + realm + "/users", """
            {"username": "%s", "email": "%s", "firstName": "%s", "lastName": "Tester", "enabled": true,
             "emailVerified": true, "credentials": [{"type": "password", "value": "%s", "temporary": false}]}"""
            .formatted(userName, email, userName, password), 201);
        return user(realm, userName).path("id").asString();
    }

    /** Puts a user in a group, making the group if needed. */
    public void addToGroup(String realm, String userId, String group) {
        JsonNode found = admin("GET", "/admin/realms/" + realm + "/groups?exact=true&search=" + group, null, 200);
        if (found.isEmpty()) {
            admin("POST", "/admin/realms/" + realm + "/groups", "{\"name\": \"" + group + "\"}", 201);
            found = admin("GET", "/admin/realms/" + realm + "/groups?exact=true&search=" + group, null, 200);
        }
        admin("PUT", "/admin/realms/" + realm + "/users/" + userId + "/groups/" + found.get(0).path("id").asString(),
            null, 204);
    }

    public void createRealmRole(String realm, String role) {
        admin("POST", "/admin/realms/" + realm + "/roles", "{\"name\": \"" + role + "\"}", 201);
    }

    public JsonNode user(String realm, String userName) {
        return admin("GET", "/admin/realms/" + realm + "/users?exact=true&username=" + userName, null, 200).get(0);
    }

    public void setPassword(String realm, String userId, String password) {
        admin("PUT", "/admin/realms/" + realm + "/users/" + userId + "/reset-password",
            "{\"type\": \"password\", \"value\": \"" + password + "\", \"temporary\": false}", 204);
    }

    /** Signs a user in with a password, as the workforce would: the token response (access and refresh tokens). */
    public JsonNode login(String realm, String clientId, String userName, String password) {
        return form("/realms/" + realm + "/protocol/openid-connect/token", Map.of("grant_type", "password",
            "client_id", clientId, "username", userName, "password", password), 200);
    }

    /** Uses a refresh token: the HTTP status (200 while the session lives) and the answer. */
    public HttpResponse<String> refresh(String realm, String clientId, String refreshToken) {
        return formRaw("/realms/" + realm + "/protocol/openid-connect/token", Map.of("grant_type", "refresh_token",
            "client_id", clientId, "refresh_token", refreshToken));
    }

    /** Whether an access token is still active, asked as a confidential client. */
    public boolean introspect(String realm, String clientId, String secret, String accessToken) {
        return form("/realms/" + realm + "/protocol/openid-connect/token/introspect", Map.of("client_id", clientId,
            "client_secret", secret, "token", accessToken), 200).path("active").asBoolean();
    }

    private JsonNode admin(String method, String path, String body, int expected) {
        String token = form("/realms/master/protocol/openid-connect/token", Map.of("grant_type", "password",
            "client_id", "admin-cli", "username", "admin", "password", ADMIN_PASSWORD), 200).path("access_token").asString();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path))
            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = send(request.build());
        if (r.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
        }
        return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    private JsonNode form(String path, Map<String, String> fields, int expected) {
        HttpResponse<String> r = formRaw(path, fields);
        if (r.statusCode() != expected) {
            throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> formRaw(String path, Map<String, String> fields) {
        StringBuilder form = new StringBuilder();
        fields.forEach((k, v) -> form.append(form.length() == 0 ? "" : "&").append(k).append('=')
            .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return send(HttpRequest.newBuilder(URI.create(url() + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

}
