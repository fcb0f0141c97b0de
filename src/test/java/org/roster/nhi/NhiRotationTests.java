package org.roster.nhi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.Keycloak;
import org.roster.support.ScimWorkers;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Against a real Keycloak: an OAuth client owned by a person who leaves is handed to their manager,
 * and its secret is rotated at once; the old secret is refused by Keycloak's token endpoint, the new
 * one, read from the secret sink (an owner-only file), works; the audit says a rotation happened and
 * never holds the value. Each change is an outbox operation, timed from the HR change. A retired
 * client is disabled on Keycloak (no token for it) and deleted after the grace period.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + NhiRotationTests.ADMIN,
    "roster.store.url=jdbc:h2:mem:nhi-rotation;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.policy.rules[0].name=account",
    "roster.policy.rules[0].when=false",
    "roster.policy.rules[0].grants[0].target=sso"})
class NhiRotationTests {

    static final String ADMIN = "nhi-rotation-admin-token-0123456789";
    static final String REALM = "nhi-" + UUID.randomUUID().toString().substring(0, 8);
    static final Path SINK = Path.of("target", "nhi-sink-" + UUID.randomUUID());
    static String oldSecret;

    @DynamicPropertySource
    static void keycloak(DynamicPropertyRegistry r) {
        Keycloak kc = Keycloak.shared();
        kc.createRealm(REALM);
        String roster = kc.createRosterClient(REALM, "roster", "manage-clients", "view-clients", "query-clients");
        oldSecret = kc.createServiceClient(REALM, "payroll-exporter");
        r.add("roster.provisioning.targets[0].name", () -> "sso");
        r.add("roster.provisioning.targets[0].type", () -> "keycloak");
        r.add("roster.provisioning.targets[0].keycloak.url", kc::url);
        r.add("roster.provisioning.targets[0].keycloak.realm", () -> REALM);
        r.add("roster.provisioning.targets[0].keycloak.client-id", () -> "roster");
        r.add("roster.provisioning.targets[0].keycloak.client-secret", () -> roster);
        r.add("roster.nhi.sink.directory", () -> SINK.toAbsolutePath().toString());
        r.add("roster.nhi.delete-after", () -> "PT3S");
    }

    @LocalServerPort
    int port;

    @Test
    void aLeaversOauthClientIsHandedOverAndItsSecretRotated() throws Exception {
        Keycloak kc = Keycloak.shared();
        Api admin = new Api("http://127.0.0.1:" + port, ADMIN);
        ScimWorkers.hire(admin, "K2", "kara", null);
        String leaver = ScimWorkers.hire(admin, "K1", "kai", "K2");
        await().atMost(Duration.ofSeconds(10)).until(() ->
            admin.get("/api/v1/identities/K1").json().path("state").asString().equals("ACTIVE"));
        Api.Response declared = admin.send("POST", "/api/v1/nhi", "application/json", """
            {"name": "payroll-exporter", "kind": "oauth-client", "target": "sso", "owner": "K1",
             "purpose": "exports payroll to the bank", "expiresAt": "%s"}""".formatted(Instant.now().plus(Duration.ofDays(90))));
        assertThat(declared.status()).as(declared.body()).isEqualTo(201);
        String id = declared.json().path("id").asString();
        assertThat(kc.clientCredentialsStatus(REALM, "payroll-exporter", oldSecret)).isEqualTo(200);

        assertThat(admin.send("DELETE", "/scim/v2/Users/" + leaver, "application/scim+json", "").status()).isEqualTo(204);

        Path file = SINK.resolve("sso").resolve("payroll-exporter");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(file));
        String newSecret = Files.readString(file);
        assertThat(newSecret).isNotBlank().isNotEqualTo(oldSecret);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(kc.clientCredentialsStatus(REALM, "payroll-exporter", oldSecret)).as("the old secret").isEqualTo(401);
        assertThat(kc.clientCredentialsStatus(REALM, "payroll-exporter", newSecret)).as("the new secret").isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() ->
            !admin.get("/api/v1/nhi/" + id).json().path("credential").path("rotatedAt").isNull());
        var nhi = admin.get("/api/v1/nhi/" + id).json();
        assertThat(nhi.path("owner").asString()).isEqualTo("K2");
        assertThat(nhi.path("state").asString()).isEqualTo("REVIEW");
        assertThat(nhi.path("credential").path("kind").asString()).isEqualTo("client-secret");
        assertThat(nhi.path("credential").path("rotationPlannedAt").isNull()).isTrue();
        String audit = admin.get("/api/v1/audit?kind=NHI_ROTATED").body();
        assertThat(audit).contains("payroll-exporter").contains("its owner K1 left");
        // an operation like any other: acknowledged by the target, timed from the leaver's HR change
        assertThat(admin.get("/api/v1/audit?kind=OPERATION_ACKED").body()).contains("NHI_ROTATE sso")
            .contains("after the HR change was received");
        assertThat(admin.get("/api/v1/audit?size=500").body()).doesNotContain(newSecret).doesNotContain(oldSecret);
        assertThat(admin.get("/api/v1/nhi/" + id).body()).doesNotContain(newSecret);

        // the new owner rotates again by hand: the file changes, the previous value stops working
        Api.Response again = admin.send("POST", "/api/v1/nhi/" + id + "/rotate", "application/json", "{}");
        assertThat(again.status()).as(again.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.readString(file).equals(newSecret));
        String third = Files.readString(file);
        assertThat(third).isNotEqualTo(newSecret);
        assertThat(kc.clientCredentialsStatus(REALM, "payroll-exporter", newSecret)).isEqualTo(401);
        assertThat(kc.clientCredentialsStatus(REALM, "payroll-exporter", third)).isEqualTo(200);

        // discovery: a client with a service account nobody declared is an orphan; a declared client the
        // realm does not have is retired; Roster's own client is not an NHI to govern here
        kc.createServiceClient(REALM, "forgotten-bot");
        assertThat(admin.send("POST", "/api/v1/nhi", "application/json", """
            {"name": "ghost-client", "kind": "oauth-client", "target": "sso", "owner": "K2",
             "purpose": "a client deleted by hand", "expiresAt": "%s"}""".formatted(Instant.now().plus(Duration.ofDays(9))))
            .status()).isEqualTo(201);
        var discovery = admin.send("POST", "/api/v1/nhi/discover?target=sso", "application/json", "");
        assertThat(discovery.status()).as(discovery.body()).isEqualTo(200);
        assertThat(discovery.json().path("found").toString()).isEqualTo("[\"forgotten-bot\"]");
        assertThat(discovery.json().path("gone").toString()).isEqualTo("[\"ghost-client\"]");
        assertThat(admin.send("POST", "/api/v1/nhi/discover?target=sso", "application/json", "").json()
            .path("found").isEmpty()).as("found once").isTrue();
        var orphan = admin.get("/api/v1/nhi?target=sso&state=ORPHAN").json().path("items");
        assertThat(orphan.size()).isEqualTo(1);
        assertThat(orphan.get(0).path("origin").asString()).isEqualTo("DISCOVERED");
        assertThat(admin.get("/api/v1/me/tasks").body()).contains("forgotten-bot");
        assertThat(admin.get("/api/v1/audit?kind=NHI_ROTATED").body()).as("an orphan is never touched by itself")
            .doesNotContain("forgotten-bot");

        // retired: disabled on Keycloak at once (no token for it any more), deleted after the grace period
        assertThat(admin.send("POST", "/api/v1/nhi/" + id + "/retire", "application/json", "{\"note\": \"replaced\"}")
            .status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() ->
            !kc.client(REALM, "payroll-exporter").path("enabled").asBoolean(true));
        assertThat(kc.clientCredentialsStatus(REALM, "payroll-exporter", third)).as("a disabled client").isNotEqualTo(200);
        assertThat(admin.get("/api/v1/audit?kind=NHI_DISABLED").body()).contains("payroll-exporter");
        await().atMost(Duration.ofSeconds(30)).until(() -> kc.client(REALM, "payroll-exporter") == null);
        await().atMost(Duration.ofSeconds(10)).until(() ->
            !admin.get("/api/v1/nhi/" + id).json().path("deletedAt").isNull());
        assertThat(admin.get("/api/v1/audit?kind=NHI_DELETED").body()).contains("payroll-exporter");
    }
}
