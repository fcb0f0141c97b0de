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
 * the secret sink) does.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + LdapServiceRotationTests.ADMIN})
class LdapServiceRotationTests {

    static final String ADMIN = "ldap-rotation-admin-token-0123456789";
    static final Path SINK = Path.of("target", "nhi-sink-" + UUID.randomUUID());
    static final String SERVICE = "svc-backup-" + UUID.randomUUID().toString().substring(0, 6);
    static final String OLD = "old-password-0123456789";

    @DynamicPropertySource
    static void directory(DynamicPropertyRegistry r) {
        Slapd d = Slapd.shared();
        String store = Databases.freshH2FileUrl("ldap-rotation");
        r.add("roster.store.url", () -> store);
        TestTargets.ldapDirectory(r, d);
        r.add("roster.nhi.secret-sink-directory", () -> SINK.toAbsolutePath().toString());
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

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String fresh = Files.readString(SINK.resolve("directory").resolve(SERVICE));
        assertThat(binds(url, dn, OLD)).as("the old password").isFalse();
        assertThat(binds(url, dn, fresh)).as("the new password, from the sink").isTrue();
        assertThat(rotated.body()).doesNotContain(fresh);
        assertThat(api.get("/api/v1/audit?kind=NHI_ROTATED").body()).contains(SERVICE).doesNotContain(fresh);

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
