package org.roster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.types.UserResource;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.support.Api;
import org.roster.support.Keycloak;
import org.roster.support.ScimClients;
import org.roster.support.ScimTargetServer;
import org.roster.support.Slapd;
import org.roster.support.TestTargets;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A joiner and then a leaver pushed by SCIM, propagated to three real, independent targets at once:
 * OpenLDAP (slapd), a SCIM 2.0 application (captaingoldfish's scim-sdk-server) and Keycloak. The
 * leaver's directory account is locked, the application user inactive, the Keycloak user disabled
 * with its live session's tokens rejected, every group removed, and each target verified by reading
 * it back, with the latency recorded.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + LeaverAcrossTargetsTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:across;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.initial-backoff=100ms",
    "roster.policy.rules[0].name=everyone",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.policy.rules[0].grants[0].entitlement=staff",
    "roster.policy.rules[0].grants[1].target=crm",
    "roster.policy.rules[0].grants[1].entitlement=crm-users",
    "roster.policy.rules[0].grants[2].target=sso",
    "roster.policy.rules[0].grants[2].entitlement=workforce",
    "roster.policy.rules[1].name=sales",
    "roster.policy.rules[1].when=worker.department == 'Sales'",
    "roster.policy.rules[1].grants[0].target=crm",
    "roster.policy.rules[1].grants[0].entitlement=crm-sales"})
class LeaverAcrossTargetsTests {

    static final String TOKEN = "across-token-0123456789abcdef";
    static ScimTargetServer crm;
    static final String REALM = "roster-e2e";

    @DynamicPropertySource
    static void targets(DynamicPropertyRegistry r) throws Exception {
        crm = new ScimTargetServer();
        Keycloak kc = Keycloak.shared();
        kc.createRealm(REALM);
        String secret = kc.createRosterClient(REALM, "roster");
        kc.createAppClient(REALM, "workforce-app", "roster");
        r.add("roster.provisioning.targets[2].name", () -> "sso");
        r.add("roster.provisioning.targets[2].type", () -> "keycloak");
        r.add("roster.provisioning.targets[2].keycloak.url", kc::url);
        r.add("roster.provisioning.targets[2].keycloak.realm", () -> REALM);
        r.add("roster.provisioning.targets[2].keycloak.client-id", () -> "roster");
        r.add("roster.provisioning.targets[2].keycloak.client-secret", () -> secret);
        clientSecret = secret;
        TestTargets.ldapDirectory(r, Slapd.shared());
        org.roster.support.TestTargets.scimApplication(r, 1, crm);
    }

    static String clientSecret;

    @AfterAll
    static void stop() {
        crm.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    Provisioning provisioning;

    @Test
    void aLeaverLosesAccessInTheDirectoryAndTheApplication() throws Exception {
        ScimService scim = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
        UserResource joiner = scim.create("Users", ScimClients.user("X100", "x100", "Sales", "employee", null));
        await().atMost(Duration.ofSeconds(10)).until(() -> crm.userByExternalId("X100")
            .map(u -> crm.groupsOf(u.getId().orElseThrow()).size() == 2).orElse(false)
            && Slapd.shared().person("X100") != null);
        String crmId = crm.userByExternalId("X100").orElseThrow().getId().orElseThrow();
        assertThat(crm.groupsOf(crmId)).containsExactly("crm-sales", "crm-users");
        assertThat(crm.userByExternalId("X100").orElseThrow().isActive()).contains(true);
        // the worker signs in to Keycloak: a live session with its tokens
        Keycloak kc = Keycloak.shared();
        await().atMost(Duration.ofSeconds(10)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
        tools.jackson.databind.JsonNode kcUser = kc.user(REALM, "x100");
        kc.setPassword(REALM, kcUser.path("id").asString(), "x100-password-0123");
        tools.jackson.databind.JsonNode tokens = kc.login(REALM, "workforce-app", "x100", "x100-password-0123");
        assertThat(kc.introspect(REALM, "roster", clientSecret, tokens.path("access_token").asString())).isTrue();

        Instant sent = Instant.now();
        scim.modifyRequest("Users", joiner.getId()).replaceValue("active", false).invoke(UserResource.class);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() ->
            crm.userByExternalId("X100").orElseThrow().isActive().equals(java.util.Optional.of(false))
                && "000001010000Z".equals(Slapd.shared().person("X100").getAttributeValue("pwdAccountLockedTime")));
        Duration both = Duration.between(sent, Instant.now());

        await().atMost(Duration.ofSeconds(10)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
        assertThat(crm.groupsOf(crmId)).isEmpty();
        SearchResultEntry person = Slapd.shared().person("X100");
        assertThat(Slapd.shared().groupsOf(person.getDN())).isEmpty();
        assertThat(both).isLessThan(Duration.ofSeconds(5));
        // Keycloak: the session is gone, its refresh token refused, its access token inactive
        await().atMost(Duration.ofSeconds(10)).until(() ->
            kc.refresh(REALM, "workforce-app", tokens.path("refresh_token").asString()).statusCode() == 400);
        assertThat(kc.introspect(REALM, "roster", clientSecret, tokens.path("access_token").asString())).isFalse();
        assertThat(kc.user(REALM, "x100").path("enabled").asBoolean()).isFalse();
        // each target verified by reading the account back, within its objective
        Api api = new Api("http://127.0.0.1:" + port, TOKEN);
        await().atMost(Duration.ofSeconds(10)).until(() ->
            api.get("/api/v1/identities/X100").json().path("revocations").size() == 3);
        for (tools.jackson.databind.JsonNode r : api.get("/api/v1/identities/X100").json().path("revocations")) {
            assertThat(r.path("result").asString()).as(r.toString()).isEqualTo("VERIFIED");
            assertThat(r.path("breached").asBoolean()).isFalse();
        }
        tools.jackson.databind.JsonNode report = api.get("/api/v1/propagation").json();
        assertThat(report.path("targets").size()).isEqualTo(3);
        for (tools.jackson.databind.JsonNode t : report.path("targets")) {
            assertThat(t.path("verified").asLong()).as(t.toString()).isEqualTo(1);
            assertThat(t.path("p50").isNull()).isFalse();
        }
        // the timeline: the joiner, then the leaver with, per target, the disable sent, acknowledged and verified
        tools.jackson.databind.JsonNode timeline = api.get("/api/v1/identities/X100/timeline").json();
        assertThat(timeline.get(0).path("kind").asString()).isEqualTo("JOINER");
        tools.jackson.databind.JsonNode leaverStep = timeline.get(timeline.size() - 1);
        assertThat(leaverStep.path("kind").asString()).isEqualTo("LEAVER");
        assertThat(leaverStep.path("targets").size()).isEqualTo(3);
        for (tools.jackson.databind.JsonNode t : leaverStep.path("targets")) {
            tools.jackson.databind.JsonNode disable = t.path("operations").get(0);
            assertThat(disable.path("operation").asString()).as(t.toString()).startsWith("DISABLE");
            assertThat(Instant.parse(disable.path("ackedAt").asString()))
                .isAfterOrEqualTo(Instant.parse(disable.path("sentAt").asString()));
            assertThat(t.path("revocation").path("result").asString()).isEqualTo("VERIFIED");
        }
        // Keycloak's offline sessions never expire by default: reported, since they outlive any revocation
        tools.jackson.databind.JsonNode posture = api.get("/api/v1/posture").json();
        assertThat(posture.size()).isEqualTo(1);
        assertThat(posture.get(0).path("target").asString()).isEqualTo("sso");
        assertThat(posture.get(0).path("above").toString()).contains("offlineSessionMaxLifespan");
        assertThat(posture.get(0).path("above").toString()).doesNotContain("accessTokenLifespan");
        String metrics = api.get("/actuator/prometheus").body();
        assertThat(metrics).contains("roster_propagation_seconds_count{kind=\"DISABLE\",target=\"crm\"}")
            .contains("roster_propagation_seconds_count{kind=\"DISABLE\",target=\"directory\"}")
            .contains("roster_revocation_seconds_count{result=\"VERIFIED\",target=\"crm\"}");

        // read back, Keycloak agrees with HR: the leaver disabled, and nothing else (Keycloak leaves its
        // clients' service-account users out of the user listing, so Roster's own is no orphan)
        tools.jackson.databind.JsonNode sso = org.roster.support.Reconcile.run(api, "sso", null);
        assertThat(sso.path("status").asString()).isEqualTo("FINISHED");
        assertThat(sso.path("findings").size()).as(sso.toString()).isZero();
        assertThat(sso.path("accounts").asLong()).isEqualTo(1);
    }
}
