package org.roster.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.types.UserResource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.support.Api;
import org.roster.support.Reconcile;
import org.roster.support.ScimClients;
import org.roster.support.Slapd;
import org.roster.support.TestTargets;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Mend mode against a real OpenLDAP changed by hand: drift is planned away through the normal
 * pipeline as source {@code reconcile}, so the safety guard holds a mass re-disable after its limit,
 * an accepted exception is left alone, and everything is in the audit trail.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + ReconcileMendTests.TOKEN,
    "roster.plan.guard.sources.reconcile.max-count=2",
    "roster.store.url=jdbc:h2:mem:reconcile-mend;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1"})
class ReconcileMendTests {

    static final String TOKEN = "reconcile-mend-token-0123456789";
    static final String PEOPLE = "ou=mend-people,dc=example,dc=com";
    static final String GROUPS = "ou=mend-groups,dc=example,dc=com";

    @DynamicPropertySource
    static void directory(DynamicPropertyRegistry r) throws Exception {
        Slapd slapd = Slapd.shared();
        try (LDAPConnection c = slapd.connect()) {
            c.add(new Entry("dn: " + PEOPLE, "objectClass: organizationalUnit", "ou: mend-people"));
            c.add(new Entry("dn: " + GROUPS, "objectClass: organizationalUnit", "ou: mend-groups"));
        }
        TestTargets.ldapDirectory(r, slapd);
        r.add("roster.provisioning.targets[0].ldap.people-dn", () -> PEOPLE);
        r.add("roster.provisioning.targets[0].ldap.groups-dn", () -> GROUPS);
    }

    @LocalServerPort
    int port;
    @Autowired
    Provisioning provisioning;

    @Test
    void driftIsMendedThroughTheSafetyGuardAndAcceptedDriftIsLeftAlone() throws Exception {
        Api api = new Api("http://127.0.0.1:" + port, TOKEN);
        ScimService hr = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
        hr.create("Users", ScimClients.user("M1", "m1", "Sales", "employee", null));
        hr.create("Users", ScimClients.user("M7", "m7", "Sales", "employee", null));
        for (int i = 2; i <= 6; i++) {
            UserResource u = hr.create("Users", ScimClients.user("M" + i, "m" + i, "Sales", "employee", null));
            hr.modifyRequest("Users", u.getId()).replaceValue("active", false).invoke(UserResource.class);
        }
        settled();

        // by hand: five leavers unlocked, M1 out of a group with another address, M7 given admin rights
        try (LDAPConnection c = Slapd.shared().connect()) {
            for (int i = 2; i <= 6; i++) {
                assertThat(c.getEntry("uid=m" + i + "," + PEOPLE, "pwdAccountLockedTime")
                    .getAttributeValue("pwdAccountLockedTime")).as("M" + i + " locked by the leaver's plan: " + provisioning.operations("M" + i, 20)).isNotNull();
                c.modify("uid=m" + i + "," + PEOPLE, new Modification(ModificationType.DELETE, "pwdAccountLockedTime"));
            }
            c.modify("cn=employees," + GROUPS, new Modification(ModificationType.DELETE, "member", "uid=m1," + PEOPLE));
            c.modify("uid=m1," + PEOPLE, new Modification(ModificationType.REPLACE, "mail", "m1@elsewhere.example"));
            c.add(new Entry("dn: cn=break-glass," + GROUPS, "objectClass: groupOfNames", "cn: break-glass",
                "member: uid=m7," + PEOPLE));
        }

        JsonNode report = Reconcile.run(api, "directory", null);
        assertThat(report.path("findings").size()).as(report.toString()).isEqualTo(8);
        JsonNode extra = only(report, "EXTRA_ENTITLEMENT");
        assertThat(extra.path("identity").asString()).isEqualTo("M7");

        // accepting needs a reason and a bounded end; then it is ACCEPTED, by whom and why
        String accept = "/api/v1/findings/" + extra.path("id").asString() + "/accept";
        Api.Response refused = api.send("POST", accept, "application/json", "{\"expiresAt\": \""
            + Instant.now().plus(Duration.ofDays(30)) + "\"}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("field").asString()).isEqualTo("reason");
        Api.Response essay = api.send("POST", accept, "application/json", "{\"reason\": \"" + "x".repeat(1001)
            + "\", \"expiresAt\": \"" + Instant.now().plus(Duration.ofDays(30)) + "\"}");
        assertThat(essay.status()).isEqualTo(400);
        assertThat(essay.json().path("field").asString()).isEqualTo("reason");
        Api.Response tooLong = api.send("POST", accept, "application/json", "{\"reason\": \"x\", \"expiresAt\": \""
            + Instant.now().plus(Duration.ofDays(400)) + "\"}");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().path("detail").asString()).contains("max-acceptance");
        Api.Response accepted = api.send("POST", accept, "application/json",
            "{\"reason\": \"on-call break-glass rota until the migration\", \"expiresAt\": \""
                + Instant.now().plus(Duration.ofDays(30)) + "\"}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.json().path("status").asString()).isEqualTo("ACCEPTED");
        assertThat(accepted.json().path("note").asString()).contains("on-call break-glass rota");

        // mend: through the planner and the guard (2 disables an hour from 'reconcile')
        JsonNode mend = Reconcile.run(api, "directory", "mend");
        assertThat(mend.path("mode").asString()).isEqualTo("MEND");
        List<String> leavers = new ArrayList<>();
        int held = 0;
        for (JsonNode f : mend.path("findings")) {
            String kind = f.path("kind").asString();
            String status = f.path("status").asString();
            if (kind.equals("ENABLED_WITHOUT_ACCESS")) {
                if (status.equals("MENDED")) {
                    leavers.add(f.path("identity").asString());
                } else {
                    assertThat(status).isEqualTo("OPEN");
                    assertThat(f.path("note").asString()).contains("held");
                    held++;
                }
            } else if (kind.equals("EXTRA_ENTITLEMENT")) {
                assertThat(status).isEqualTo("ACCEPTED");
            } else {
                assertThat(kind).isIn("MISSING_ENTITLEMENT", "ATTRIBUTE_DRIFT");
                assertThat(status).as(f.toString()).isEqualTo("MENDED");
            }
        }
        assertThat(leavers).hasSize(2);
        assertThat(held).isEqualTo(3);
        settled();
        try (LDAPConnection c = Slapd.shared().connect()) {
            for (String m : leavers) {
                assertThat(c.getEntry("uid=" + m.toLowerCase() + "," + PEOPLE, "pwdAccountLockedTime")
                    .getAttributeValue("pwdAccountLockedTime"))
                    .as(m).isNotNull();
            }
            assertThat(c.getEntry("cn=employees," + GROUPS).getAttributeValues("member")).contains("uid=m1," + PEOPLE);
            // taking access from a leaver is a revocation whoever found it: priority lane, then verified by read-back
            for (String m : leavers) {
                await().atMost(Duration.ofSeconds(10)).until(() -> provisioning.revocations(m).stream()
                    .anyMatch(r -> r.correlationId().startsWith("reconcile-")
                        && r.result() == org.roster.provisioning.Revocation.Result.VERIFIED));
            }
            assertThat(c.getEntry("uid=m1," + PEOPLE).getAttributeValue("mail")).isEqualTo("m1@example.com");
            assertThat(c.getEntry("cn=break-glass," + GROUPS).getAttributeValues("member")).contains("uid=m7," + PEOPLE);
        }

        // the held re-disables wait for an admin
        JsonNode holds = api.get("/api/v1/holds?status=OPEN").json();
        assertThat(holds.path("total").asLong()).isEqualTo(1);
        JsonNode hold = holds.path("items").get(0);
        assertThat(hold.path("source").asString()).isEqualTo("reconcile");
        Api.Response approved = api.send("POST", "/api/v1/holds/" + hold.path("id").asString() + "/approve",
            "application/json", "{\"note\": \"accounts unlocked by mistake during the audit\"}");
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        settled();

        // a report now finds only the accepted exception
        JsonNode after = Reconcile.run(api, "directory", "report");
        assertThat(after.path("findings").size()).as(after.toString()).isEqualTo(1);
        assertThat(after.path("findings").get(0).path("status").asString()).isEqualTo("ACCEPTED");
        String audit = api.get("/api/v1/audit?identity=M1&size=100").body();
        assertThat(audit).contains("RECONCILE (MISSING_ENTITLEMENT, ATTRIBUTE_DRIFT on 'directory')");
        assertThat(api.get("/api/v1/audit?kind=DRIFT_ACCEPTED").body()).contains("on-call break-glass rota");
        assertThat(api.get("/api/v1/audit?kind=RECONCILED").body()).contains("4 mended, 3 held by the safety guard");
    }

    private static JsonNode only(JsonNode run, String kind) {
        List<JsonNode> found = new ArrayList<>();
        run.path("findings").forEach(f -> {
            if (f.path("kind").asString().equals(kind)) {
                found.add(f);
            }
        });
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    private void settled() {
        await().atMost(Duration.ofSeconds(20)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
    }
}
