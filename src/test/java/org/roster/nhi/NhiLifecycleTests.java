package org.roster.nhi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.roster.principals.Principal;
import org.roster.support.Api;
import org.roster.support.ScimWorkers;
import org.roster.work.Work;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Non-human identities declared with an owner who works here, a purpose and an expiry; handed to the
 * owner's manager for review when the owner leaves (in the leaver's own transaction), orphaned when
 * nobody is above them, ended with the person an AI agent acts for, expired at their time; each step
 * audited and each decision waiting in the right person's work.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + NhiLifecycleTests.ADMIN,
    "roster.store.url=jdbc:h2:mem:nhi;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.policy.rules[0].name=account",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory"})
class NhiLifecycleTests {

    static final String ADMIN = "nhi-admin-token-0123456789";

    @LocalServerPort
    int port;
    @Autowired
    Work work;
    @Autowired
    NonHumanIdentities nhis;
    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    private Api admin() {
        return new Api("http://127.0.0.1:" + port, ADMIN);
    }

    private Api.Response declare(String json) {
        return admin().send("POST", "/api/v1/nhi", "application/json", json);
    }

    private static String nhi(String name, String kind, String owner, String extra, Instant expires) {
        return """
            {"name": "%s", "kind": "%s", "target": "directory", "owner": "%s", "purpose": "nightly payroll export",
             "expiresAt": "%s"%s}""".formatted(name, kind, owner, expires, extra);
    }

    private void hire(String id, String name, String manager) {
        ScimWorkers.hire(admin(), id, name, manager);
        await().atMost(Duration.ofSeconds(10)).until(() ->
            admin().get("/api/v1/identities/" + id).json().path("state").asString().equals("ACTIVE"));
    }

    private void leave(String id) {
        String scim = admin().get("/scim/v2/Users?filter=externalId%20eq%20%22" + id + "%22").json()
            .path("Resources").get(0).path("id").asString();
        assertThat(admin().send("DELETE", "/scim/v2/Users/" + scim, "application/scim+json", "").status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(10)).until(() ->
            admin().get("/api/v1/identities/" + id).json().path("state").asString().equals("TERMINATED"));
    }

    @Test
    void aDeclarationNeedsAnOwnerWhoWorksHereAPurposeAndAnExpiry() {
        hire("N1", "nora", null);
        Instant in30 = Instant.now().plus(Duration.ofDays(30));

        Api.Response noOwner = declare("""
            {"name": "svc-a", "kind": "service-account", "target": "directory", "purpose": "x", "expiresAt": "%s"}"""
            .formatted(in30));
        Api.Response noPurpose = declare("""
            {"name": "svc-a", "kind": "service-account", "target": "directory", "owner": "N1", "expiresAt": "%s"}"""
            .formatted(in30));
        Api.Response noExpiry = declare("""
            {"name": "svc-a", "kind": "service-account", "target": "directory", "owner": "N1", "purpose": "x"}""");
        Api.Response strangerOwner = declare(nhi("svc-a", "service-account", "NOBODY", "", in30));
        Api.Response tooLong = declare(nhi("bot-a", "ai-agent", "N1", ", \"actingFor\": \"N1\"",
            Instant.now().plus(Duration.ofDays(31))));
        Api.Response agentForNobody = declare(nhi("bot-b", "ai-agent", "N1", "", in30));
        Api.Response made = declare(nhi("svc-a", "service-account", "N1", "", in30));
        Api.Response twice = declare(nhi("svc-a", "service-account", "N1", "", in30));

        assertThat(noOwner.json().path("field").asString()).isEqualTo("owner");
        assertThat(noPurpose.json().path("field").asString()).isEqualTo("purpose");
        assertThat(noExpiry.json().path("field").asString()).isEqualTo("expiresAt");
        assertThat(strangerOwner.status()).isEqualTo(400);
        assertThat(strangerOwner.body()).contains("NOBODY is not an active identity");
        assertThat(tooLong.json().path("field").asString()).isEqualTo("expiresAt");
        assertThat(tooLong.body()).contains("30 days");
        assertThat(agentForNobody.json().path("field").asString()).isEqualTo("actingFor");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(made.json().path("state").asString()).isEqualTo("ACTIVE");
        assertThat(twice.status()).isEqualTo(409);
        assertThat(admin().get("/api/v1/nhi?owner=N1&kind=service-account").json().path("items").size()).isEqualTo(1);
        assertThat(admin().get("/api/v1/audit?kind=NHI_DECLARED").body()).contains("svc-a");
    }

    /** An owner's NHIs walked page by page, in target and name order, each once. */
    @Test
    void anOwnersNhisAreWalkedPageByPageEachOnce() {
        hire("W1", "wanda", null);
        Instant in30 = Instant.now().plus(Duration.ofDays(30));
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            names.add("svc-walk-" + i);
            assertThat(declare(nhi("svc-walk-" + i, "service-account", "W1", "", in30)).status()).isEqualTo(201);
        }
        java.util.List<String> seen = new java.util.ArrayList<>();
        JsonNode page = admin().get("/api/v1/nhi?owner=W1&size=3").json();
        while (true) {
            page.path("items").forEach(n -> seen.add(n.path("name").asString()));
            if (page.path("next").isNull()) {
                break;
            }
            page = admin().get("/api/v1/nhi?owner=W1&size=3&cursor=" + page.path("next").asString()).json();
        }
        assertThat(seen).isEqualTo(names);
    }

    @Test
    void aLeaversNhisGoToTheirManagerAndTheirAgentsEnd() {
        hire("M2", "mona", null);
        hire("L1", "liam", "M2");
        Instant in30 = Instant.now().plus(Duration.ofDays(30));
        String svc = declare(nhi("svc-liam", "service-account", "L1", "", in30)).json().path("id").asString();
        String bot = declare(nhi("bot-liam", "ai-agent", "L1", ", \"actingFor\": \"L1\"", in30)).json().path("id").asString();

        leave("L1");

        JsonNode handed = admin().get("/api/v1/nhi/" + svc).json();
        assertThat(handed.path("owner").asString()).isEqualTo("M2");
        assertThat(handed.path("previousOwner").asString()).isEqualTo("L1");
        assertThat(handed.path("state").asString()).isEqualTo("REVIEW");
        assertThat(admin().get("/api/v1/nhi/" + bot).json().path("state").asString()).as("it acted for the leaver")
            .isEqualTo("RETIRED");
        Principal mona = new Principal("mona", Principal.Kind.PERSON, Set.of(), "M2", null);
        assertThat(work.tasksFor(mona)).anyMatch(t -> t.kind().equals("NHI_REVIEW") && t.id().equals(svc));
        Principal stranger = new Principal("sid", Principal.Kind.PERSON, Set.of(), "L1", null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> nhis.confirm(svc, stranger, null))
            .hasMessageContaining("decided by its owner M2");

        assertThat(nhis.confirm(svc, mona, "still exports payroll").state()).isEqualTo(Nhi.State.ACTIVE);
        String audit = admin().get("/api/v1/audit?kind=NHI_OWNER_CHANGED").body();
        assertThat(audit).contains("handed from leaver L1 to their manager M2");
        assertThat(admin().get("/api/v1/audit?kind=NHI_ENDED").body()).contains("bot-liam");
        assertThat(admin().get("/api/v1/audit?kind=NHI_REVIEWED").body()).contains("kept by mona");
    }

    @Test
    void anOwnerWithNoManagerLeavesAnOrphanThatAnOperatorGivesAnOwner() throws Exception {
        hire("O1", "otto", null);
        hire("O2", "olive", null);
        String svc = declare(nhi("svc-otto", "api-key", "O1", "", Instant.now().plus(Duration.ofDays(30))))
            .json().path("id").asString();
        String soon = declare(nhi("svc-soon", "workload", "O2", "", Instant.now().plus(Duration.ofSeconds(1))))
            .json().path("id").asString();

        leave("O1");

        assertThat(admin().get("/api/v1/nhi/" + svc).json().path("state").asString()).isEqualTo("ORPHAN");
        assertThat(admin().get("/api/v1/me/tasks").body()).contains("NHI_ORPHAN").contains(svc);
        String report = admin().get("/api/v1/reports/compliance").body();
        assertThat(report).contains("without an owner: give each an owner or retire it");
        Api.Response owned = admin().send("POST", "/api/v1/nhi/" + svc + "/owner", "application/json",
            "{\"owner\": \"O2\"}");
        assertThat(owned.status()).as(owned.body()).isEqualTo(200);
        assertThat(owned.json().path("owner").asString()).isEqualTo("O2");
        assertThat(owned.json().path("state").asString()).isEqualTo("ACTIVE");

        Thread.sleep(1_100);
        nhis.expireDue();
        assertThat(admin().get("/api/v1/nhi/" + soon).json().path("state").asString()).isEqualTo("EXPIRED");
        assertThat(admin().get("/api/v1/audit?kind=NHI_EXPIRED").body()).contains("svc-soon");
    }

    @Test
    void anExpiryThatCannotBeAppliedHoldsBackNoneDueAfterIt() {
        hire("X1", "xena", null);
        String refused = declare(nhi("svc-refused", "api-key", "X1", "", Instant.now().plus(Duration.ofSeconds(3))))
            .json().path("id").asString();
        // the store refuses the first its expiry (as a fault or a constraint added by hand would)
        jdbc.sql("alter table nhi add constraint refuses_expiry check (id <> '" + refused + "' or state <> 'EXPIRED')")
            .update();
        try {
            // declared, it wakes the loop: expired within seconds, not at the loop's next minute
            String next = declare(nhi("svc-next", "api-key", "X1", "", Instant.now().plus(Duration.ofSeconds(4))))
                .json().path("id").asString();
            await().atMost(Duration.ofSeconds(10)).until(() -> state(next).equals("EXPIRED"));
            assertThat(state(refused)).isEqualTo("ACTIVE");
            assertThat(nhis.failing()).as("waiting to be tried again").isEqualTo(1);
        } finally {
            jdbc.sql("alter table nhi drop constraint refuses_expiry").update();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> state(refused).equals("EXPIRED"));
        assertThat(nhis.failing()).isZero();
    }

    private String state(String nhi) {
        return admin().get("/api/v1/nhi/" + nhi).json().path("state").asString();
    }
}
