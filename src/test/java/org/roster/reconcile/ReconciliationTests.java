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
import java.util.HashMap;
import java.util.Map;
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
 * Reconciliation against a real OpenLDAP that someone changed by hand: each kind of drift is found,
 * named with the account and the identity, and nothing is changed on the directory.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + ReconciliationTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:reconcile;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1"})
class ReconciliationTests {

    static final String TOKEN = "reconcile-token-0123456789abcd";

    @DynamicPropertySource
    static void directory(DynamicPropertyRegistry r) throws Exception {
        Slapd slapd = Slapd.shared();
        try (LDAPConnection c = slapd.connect()) {
            c.add(new Entry("dn: ou=recon-people,dc=example,dc=com", "objectClass: organizationalUnit", "ou: recon-people"));
            c.add(new Entry("dn: ou=recon-groups,dc=example,dc=com", "objectClass: organizationalUnit", "ou: recon-groups"));
        }
        TestTargets.ldapDirectory(r, slapd);
        // its own subtrees of the shared directory, so that other tests' accounts are not in its way
        r.add("roster.provisioning.targets[0].ldap.people-dn", () -> "ou=recon-people,dc=example,dc=com");
        r.add("roster.provisioning.targets[0].ldap.groups-dn", () -> "ou=recon-groups,dc=example,dc=com");
    }

    @LocalServerPort
    int port;
    @Autowired
    Provisioning provisioning;

    @Test
    void everyKindOfDriftOnARealDirectoryIsFound() throws Exception {
        ScimService scim = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
        scim.create("Users", ScimClients.user("R1", "r1", "Sales", "employee", null));
        scim.create("Users", ScimClients.user("R2", "r2", "Legal", "employee", null));
        UserResource leaver = scim.create("Users", ScimClients.user("R3", "r3", "Sales", "employee", null));
        scim.create("Users", ScimClients.user("R4", "r4", "Sales", "employee", null));
        scim.modifyRequest("Users", leaver.getId()).replaceValue("active", false).invoke(UserResource.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);

        JsonNode clean = reconcile();
        assertThat(clean.path("findings").size()).as(clean.toString()).isZero();
        assertThat(clean.path("accounts").asLong()).isEqualTo(4);

        // someone with directory access changes things by hand
        String people = "ou=recon-people,dc=example,dc=com";
        String groups = "ou=recon-groups,dc=example,dc=com";
        try (LDAPConnection c = Slapd.shared().connect()) {
            c.modify("cn=dept-sales," + groups, new Modification(ModificationType.ADD, "member", "uid=r2," + people));
            c.modify("cn=employees," + groups, new Modification(ModificationType.DELETE, "member", "uid=r1," + people));
            c.modify("uid=r3," + people, new Modification(ModificationType.DELETE, "pwdAccountLockedTime"));
            c.modify("uid=r1," + people, new Modification(ModificationType.REPLACE, "mail", "r1@elsewhere.example"));
            c.modify("uid=r4," + people, new Modification(ModificationType.REPLACE, "pwdAccountLockedTime", "000001010000Z"));
            c.add(new Entry("dn: uid=backdoor," + people, "objectClass: inetOrgPerson", "uid: backdoor", "cn: backdoor",
                "sn: backdoor"));
            c.delete("uid=r2," + people); // R2's account removed, and a look-alike without employeeNumber made
            c.add(new Entry("dn: uid=r2," + people, "objectClass: inetOrgPerson", "uid: r2", "cn: r2", "sn: r2"));
        }

        JsonNode drift = reconcile();
        Map<String, String> byKind = new HashMap<>();
        for (JsonNode f : drift.path("findings")) {
            byKind.merge(f.path("kind").asString(), f.path("identity").asString("-") + " " + f.path("detail").asString(),
                (a, b) -> a + " | " + b);
        }
        assertThat(byKind.get("ENABLED_WITHOUT_ACCESS")).startsWith("R3 ").contains("TERMINATED");
        assertThat(byKind.get("DISABLED_ACCOUNT")).startsWith("R4 ");
        assertThat(byKind.get("MISSING_ENTITLEMENT")).contains("R1 lacks 'employees'");
        assertThat(byKind.get("ORPHAN_ACCOUNT")).contains("uid=backdoor").contains("uid=r2");
        assertThat(byKind.get("MISSING_ACCOUNT")).startsWith("R2 ");
        assertThat(byKind.get("ATTRIBUTE_DRIFT")).isEqualTo("R1 email is 'r1@elsewhere.example' on 'directory', HR says"
            + " 'r1@example.com'");
        assertThat(byKind.get("EXTRA_ENTITLEMENT")).isNull(); // r2's re-made entry carries no employeeNumber: an orphan
        assertThat(java.util.stream.StreamSupport.stream(drift.path("findings").spliterator(), false)
            .map(f -> f.path("status").asString())).containsOnly("OPEN");
        assertThat(drift.path("mode").asString()).isEqualTo("REPORT");
        // report mode: the directory is as the person left it
        try (LDAPConnection c = Slapd.shared().connect()) {
            assertThat(c.getEntry("uid=r3," + people, "pwdAccountLockedTime").getAttributeValue("pwdAccountLockedTime")).isNull();
        }
        assertThat(new Api("http://127.0.0.1:" + port, TOKEN).get("/api/v1/audit?kind=RECONCILED").body())
            .contains("finding(s)");
    }

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    /**
     * A Roster killed during a run leaves it RUNNING and the target held in the store: the next run
     * of the target takes it over and marks the stopped run FAILED, naming the instance.
     */
    @Test
    void aRunLeftByAKilledRosterIsTakenOverByTheNextAndMarkedFailed() {
        java.sql.Timestamp now = java.sql.Timestamp.from(java.time.Instant.now());
        jdbc.sql("""
                insert into reconcile_run (id, target, mode, actor, started_at, accounts, findings, mended, status)
                values ('killed-run', 'directory', 'REPORT', 'alice', ?, 0, 0, 0, 'RUNNING')""").param(now).update();
        jdbc.sql("""
                insert into exclusive_run (name, run_id, holder, actor, started_at, alive_at)
                values ('reconcile:directory', 'killed-run', 'roster-killed', 'alice', ?, ?)""").params(now, now).update();

        JsonNode next = reconcile();
        assertThat(next.path("status").asString()).isEqualTo("FINISHED");
        JsonNode killed = new Api("http://127.0.0.1:" + port, TOKEN).get("/api/v1/reconciliations/killed-run").json();
        assertThat(killed.path("status").asString()).isEqualTo("FAILED");
        assertThat(killed.path("error").asString()).contains("Roster stopped during the run").contains("roster-killed");
        assertThat(jdbc.sql("select count(*) from exclusive_run").query(Long.class).single()).as("the target is free").isZero();
    }

    private JsonNode reconcile() {
        return Reconcile.run(new Api("http://127.0.0.1:" + port, TOKEN), "directory", null);
    }
}
