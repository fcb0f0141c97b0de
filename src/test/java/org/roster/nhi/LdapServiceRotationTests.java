package org.roster.nhi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.Databases;
import org.roster.support.ScimWorkers;
import org.roster.support.Slapd;
import org.roster.support.TestTargets;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Against a real OpenLDAP: a service account's password is reset through the Password Modify
 * extended operation when its owner asks; the old password no longer binds, the new one (read from
 * the secret sinks: an owner-only file and a signed webhook) does. A sink that fails the first time
 * leaves the rotation to be retried, which rotates again: no value is lost. Retired, the account's
 * password is removed (no bind works), and after the grace period the entry is deleted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + LdapServiceRotationTests.ADMIN})
class LdapServiceRotationTests {

    static final String ADMIN = "ldap-rotation-admin-token-0123456789";
    static final Path SINK = Path.of("target", "nhi-sink-" + UUID.randomUUID());
    static final String SERVICE = "svc-backup-" + UUID.randomUUID().toString().substring(0, 6);
    static final String OLD = "old-password-0123456789";
    static final String SINK_KEY = "sink-signing-key-0123456789-0123456789";
    /** The webhook sink: answers 503 to its first delivery, then takes them, checking each signature. */
    static final com.sun.net.httpserver.HttpServer RECEIVER;
    static final java.util.List<String> DELIVERED = new java.util.concurrent.CopyOnWriteArrayList<>();
    static final java.util.concurrent.atomic.AtomicInteger CALLS = new java.util.concurrent.atomic.AtomicInteger();

    static {
        try {
            RECEIVER = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        RECEIVER.createContext("/secrets", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String timestamp = exchange.getRequestHeaders().getFirst("X-Roster-Timestamp");
            String expected = "sha256=" + org.roster.runtime.WebhookSignature.sign(
                SINK_KEY.getBytes(java.nio.charset.StandardCharsets.UTF_8), timestamp, body);
            int status;
            if (!expected.equals(exchange.getRequestHeaders().getFirst("X-Roster-Signature"))) {
                status = 401;
            } else if (CALLS.incrementAndGet() == 1) {
                status = 503;
            } else {
                DELIVERED.add(new String(body, java.nio.charset.StandardCharsets.UTF_8));
                status = 204;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        RECEIVER.start();
    }

    @DynamicPropertySource
    static void directory(DynamicPropertyRegistry r) {
        Slapd d = Slapd.shared();
        String store = Databases.freshH2FileUrl("ldap-rotation");
        r.add("roster.store.url", () -> store);
        TestTargets.ldapDirectory(r, d);
        r.add("roster.nhi.sink.directory", () -> SINK.toAbsolutePath().toString());
        r.add("roster.nhi.sink.url", () -> "http://127.0.0.1:" + RECEIVER.getAddress().getPort() + "/secrets");
        r.add("roster.nhi.sink.secret", () -> SINK_KEY);
        r.add("roster.nhi.delete-after", () -> "PT3S");
        r.add("roster.policy.rules[0].name", () -> "account");
        r.add("roster.policy.rules[0].when", () -> "true");
        r.add("roster.policy.rules[0].grants[0].target", () -> "directory");
    }

    @LocalServerPort
    int port;

    @Test
    void anOwnerHasTheirServiceAccountsPasswordReset() throws Exception {
        Slapd d = Slapd.shared();
        URI url = URI.create(d.url());
        String dn = "uid=" + SERVICE + ",ou=services," + d.baseDn();
        try (LDAPConnection admin = new LDAPConnection(url.getHost(), url.getPort(), d.bindDn(), d.bindPassword())) {
            if (admin.getEntry("ou=services," + d.baseDn()) == null) {
                admin.add(new Entry("dn: ou=services," + d.baseDn(), "objectClass: organizationalUnit", "ou: services"));
            }
            admin.add(new Entry("dn: " + dn, "objectClass: account", "objectClass: simpleSecurityObject",
                "uid: " + SERVICE, "userPassword: " + OLD));
        }
        assertThat(binds(url, dn, OLD)).isTrue();
        Api api = new Api("http://127.0.0.1:" + port, ADMIN);
        ScimWorkers.hire(api, "S1", "sasha", null);
        await().atMost(Duration.ofSeconds(10)).until(() ->
            api.get("/api/v1/identities/S1").json().path("state").asString().equals("ACTIVE"));
        String id = api.send("POST", "/api/v1/nhi", "application/json", """
            {"name": "%s", "kind": "service-account", "target": "directory", "owner": "S1",
             "purpose": "nightly backup of the HR database", "expiresAt": "%s"}"""
            .formatted(SERVICE, Instant.now().plus(Duration.ofDays(60)))).json().path("id").asString();

        Api.Response rotated = api.send("POST", "/api/v1/nhi/" + id + "/rotate", "application/json", "{}");

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> !DELIVERED.isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() ->
            !api.get("/api/v1/nhi/" + id).json().path("credential").path("rotatedAt").isNull());
        var event = new tools.jackson.databind.ObjectMapper().readTree(DELIVERED.get(0));
        String fresh = event.path("secret").asString();
        assertThat(event.path("name").asString()).isEqualTo(SERVICE);
        assertThat(event.path("type").asString()).isEqualTo("nhi.credential.rotated");
        assertThat(Files.readString(SINK.resolve("directory").resolve(SERVICE))).as("both sinks hold the value")
            .isEqualTo(fresh);
        assertThat(binds(url, dn, OLD)).as("the old password").isFalse();
        assertThat(binds(url, dn, fresh)).as("the new password, from the sinks").isTrue();
        assertThat(CALLS.get()).as("the first delivery failed and the rotation was retried").isEqualTo(2);
        assertThat(api.get("/api/v1/audit?kind=OPERATION_RETRY").body()).contains("NHI_ROTATE directory")
            .contains("could not be delivered").doesNotContain(fresh);
        assertThat(rotated.body()).doesNotContain(fresh);
        assertThat(api.get("/api/v1/audit?kind=NHI_ROTATED").body()).contains(SERVICE).doesNotContain(fresh);
        assertThat(api.get("/api/v1/audit?size=500").body()).doesNotContain(fresh);

        // discovery: a service account nobody declared, under the services OU, is an orphan; the declared one is not
        String forgotten = "svc-forgotten-" + UUID.randomUUID().toString().substring(0, 6);
        try (LDAPConnection admin = new LDAPConnection(url.getHost(), url.getPort(), d.bindDn(), d.bindPassword())) {
            admin.add(new Entry("dn: uid=" + forgotten + ",ou=services," + d.baseDn(), "objectClass: account",
                "uid: " + forgotten, "description: reporting job of a team that left"));
        }
        Api.Response discovery = api.send("POST", "/api/v1/nhi/discover?target=directory", "application/json", "");
        assertThat(discovery.status()).as(discovery.body()).isEqualTo(200);
        assertThat(discovery.json().path("found").toString()).contains(forgotten).doesNotContain(SERVICE);
        var orphans = api.get("/api/v1/nhi?target=directory&state=ORPHAN").json().path("items");
        assertThat(orphans.toString()).contains(forgotten).contains("reporting job of a team that left");

        // retired: its password is removed at once, and the entry deleted after the grace period
        assertThat(api.send("POST", "/api/v1/nhi/" + id + "/retire", "application/json", "{}").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !binds(url, dn, fresh));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (LDAPConnection admin = new LDAPConnection(url.getHost(), url.getPort(), d.bindDn(), d.bindPassword())) {
                return admin.getEntry(dn) == null;
            }
        });
        // an orphan nobody ever owned is ended in the inventory only, never on the directory
        String orphanId = java.util.stream.StreamSupport.stream(orphans.spliterator(), false)
            .filter(o -> o.path("name").asString().equals(forgotten)).findFirst().orElseThrow().path("id").asString();
        assertThat(api.send("POST", "/api/v1/nhi/" + orphanId + "/retire", "application/json", "{}").status())
            .isEqualTo(200);
        assertThat(api.get("/api/v1/audit?kind=NHI_LEFT_ALONE").body()).contains(forgotten);
        try (LDAPConnection admin = new LDAPConnection(url.getHost(), url.getPort(), d.bindDn(), d.bindPassword())) {
            assertThat(admin.getEntry("uid=" + forgotten + ",ou=services," + d.baseDn())).isNotNull();
        }
    }

    private static boolean binds(URI url, String dn, String password) {
        try (LDAPConnection c = new LDAPConnection(url.getHost(), url.getPort())) {
            c.bind(dn, password);
            return true;
        } catch (LDAPException e) {
            if (e.getResultCode() == ResultCode.INVALID_CREDENTIALS) {
                return false;
            }
            throw new IllegalStateException(e);
        }
    }

}
