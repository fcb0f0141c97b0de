package org.roster.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.types.GroupResource;
import com.unboundid.scim2.common.types.Member;
import com.unboundid.scim2.common.types.UserResource;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.support.Api;
import org.roster.support.Reconcile;
import org.roster.support.ScimClients;
import org.roster.support.ScimTargetServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Reconciliation against a real SCIM application whose administrators changed things through its
 * own SCIM API: a leaver re-activated, a group given by hand, a user created outside Roster.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + ScimReconciliationTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:scim-reconcile;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.policy.rules[0].name=everyone",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=crm",
    "roster.policy.rules[0].grants[0].entitlement=crm-users"})
class ScimReconciliationTests {

    static final String TOKEN = "scim-reconcile-token-0123456789";
    static ScimTargetServer crm;

    @DynamicPropertySource
    static void target(DynamicPropertyRegistry r) throws Exception {
        crm = new ScimTargetServer();
        org.roster.support.TestTargets.scimApplication(r, 0, crm);
    }

    @AfterAll
    static void stop() {
        crm.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    Provisioning provisioning;

    @Test
    void driftMadeThroughTheApplicationsOwnApiIsFound() throws Exception {
        ScimService hr = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
        hr.create("Users", ScimClients.user("S1", "s1", "Sales", "employee", null));
        for (String n : new String[] {"S3", "S4", "S5"}) {
            hr.create("Users", ScimClients.user(n, n.toLowerCase(java.util.Locale.ROOT), "Sales", "employee", null));
        }
        UserResource leaver = hr.create("Users", ScimClients.user("S2", "s2", "Sales", "employee", null));
        hr.modifyRequest("Users", leaver.getId()).replaceValue("active", false).invoke(UserResource.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
        assertThat(reconcile().path("findings").size()).isZero();

        // the application's administrators, through its own SCIM API
        ScimService app = ScimClients.hr(crm.baseUrl().replace("/scim/v2", ""), ScimTargetServer.TOKEN);
        String s1 = crm.userByExternalId("S1").orElseThrow().getId().orElseThrow();
        String s2 = crm.userByExternalId("S2").orElseThrow().getId().orElseThrow();
        app.modifyRequest("Users", s2).replaceValue("active", true).invoke(UserResource.class);
        GroupResource admins = app.create("Groups", new GroupResource().setDisplayName("crm-admins")
            .setMembers(java.util.List.of(new Member().setValue(s1).setType("User"))));
        app.create("Users", new UserResource().setUserName("shadow-admin").setActive(true));
        app.modifyRequest("Users", s1).replaceValue("displayName", "Mallory").invoke(UserResource.class);
        String s3 = crm.userByExternalId("S3").orElseThrow().getId().orElseThrow();
        app.modifyRequest("Users", s3).replaceValue("active", false).invoke(UserResource.class);
        String s4 = crm.userByExternalId("S4").orElseThrow().getId().orElseThrow();
        GroupResource users = app.searchRequest("Groups").filter("displayName eq \"crm-users\"")
            .invoke(GroupResource.class).getResources().get(0);
        app.modifyRequest("Groups", users.getId()).removeValues("members[value eq \"" + s4 + "\"]")
            .invoke(GroupResource.class);
        app.delete("Users", crm.userByExternalId("S5").orElseThrow().getId().orElseThrow());

        JsonNode drift = reconcile();
        Map<String, String> byKind = new HashMap<>();
        for (JsonNode f : drift.path("findings")) {
            byKind.merge(f.path("kind").asString(), f.path("identity").asString("-") + " " + f.path("detail").asString(),
                (a, b) -> a + " | " + b);
        }
        assertThat(byKind.get("ENABLED_WITHOUT_ACCESS")).startsWith("S2 ").contains("TERMINATED");
        assertThat(byKind.get("EXTRA_ENTITLEMENT")).startsWith("S1 ").contains("crm-admins");
        assertThat(byKind.get("ORPHAN_ACCOUNT")).contains("enabled account");
        assertThat(byKind.get("ATTRIBUTE_DRIFT")).isEqualTo("S1 displayName is 'Mallory' on 'crm', HR says 'GivenS1 FamilyS1'");
        assertThat(byKind.get("DISABLED_ACCOUNT")).startsWith("S3 ");
        assertThat(byKind.get("MISSING_ENTITLEMENT")).isEqualTo("S4 lacks 'crm-users', granted by everyone");
        assertThat(byKind.get("MISSING_ACCOUNT")).startsWith("S5 ");
        assertThat(drift.path("findings").size()).isEqualTo(7);
        assertThat(admins.getMembers()).hasSize(1);

        // mended through the normal pipeline, every kind but the orphan is undone on the application
        JsonNode mended = Reconcile.run(new Api("http://127.0.0.1:" + port, TOKEN), "crm", "mend");
        assertThat(mended.path("mended").asLong()).isEqualTo(6);
        await().atMost(Duration.ofSeconds(20)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
        JsonNode after = reconcile();
        assertThat(after.path("findings").size()).as(after.toString()).isEqualTo(1);
        assertThat(after.path("findings").get(0).path("kind").asString()).isEqualTo("ORPHAN_ACCOUNT");
        assertThat(crm.userByExternalId("S2").orElseThrow().isActive()).contains(false);
        assertThat(crm.userByExternalId("S3").orElseThrow().isActive()).contains(true);
        assertThat(crm.userByExternalId("S5")).isPresent();
    }

    private JsonNode reconcile() {
        return Reconcile.run(new Api("http://127.0.0.1:" + port, TOKEN), "crm", null);
    }
}
