package org.roster.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.types.UserResource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.provisioning.TargetAccount;
import org.roster.provisioning.memory.InMemoryConnector;
import org.roster.provisioning.memory.InMemoryConnectorFactory;
import org.roster.support.Api;
import org.roster.support.ScimClients;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The brake on mass disables: an HR feed that terminates 30 % of the workforce is held whole,
 * nothing of it sent, an alert raised, while a single real leaver from another source goes through
 * at once; the admin's approval releases the held set in order. A feed within the limit goes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + SafetyGuardTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:guard;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.hr.sources[0].name=feed",
    "roster.hr.sources[0].type=snapshot",
    "roster.plan.guard.max-percent=10",
    "roster.plan.guard.min-count=2",
    "roster.api.tokens[0].roles=operator",
    "roster.api.tokens[0].name=approver",
    "roster.api.tokens[0].token=" + SafetyGuardTests.APPROVER})
class SafetyGuardTests {

    static final String TOKEN = "guard-token-0123456789abcdef";
    static final String APPROVER = "guard-approver-0123456789abcdef";
    private static final int WORKERS = 40;

    @LocalServerPort
    int port;
    @Autowired
    InMemoryConnectorFactory memory;
    @Autowired
    Provisioning provisioning;

    @Test
    void aMassTerminationFeedIsHeldWhileARealLeaverGoesThrough() throws Exception {
        Api api = new Api("http://127.0.0.1:" + port, TOKEN);
        InMemoryConnector directory = memory.connector("directory").orElseThrow();
        ScimService scim = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
        UserResource leaver = scim.create("Users", ScimClients.user("G-SCIM", "g-scim", "Sales", "employee", null));
        assertThat(upload(api, feed(0)).path("created").asLong()).isEqualTo(WORKERS);
        settled();

        // 30 % of the feed's workers terminated in one file: the limit is 4 (10 % of 41 accounts), the file
        // is known whole before anything is sent, so all 12 are held and none goes
        JsonNode second = upload(api, feed(12));
        assertThat(second.path("changed").asLong()).isEqualTo(12);
        settled();
        List<String> disabled = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            if (!directory.read("G" + i).map(TargetAccount::enabled).orElseThrow()) {
                disabled.add("G" + i);
            }
        }
        assertThat(disabled).isEmpty();
        JsonNode holds = api.get("/api/v1/holds?status=OPEN").json();
        assertThat(holds.path("total").asLong()).isEqualTo(1);
        JsonNode hold = holds.path("items").get(0);
        assertThat(hold.path("kind").asString()).isEqualTo("GUARD");
        assertThat(hold.path("source").asString()).isEqualTo("feed");
        assertThat(hold.path("plans").asLong()).isEqualTo(12);
        assertThat(hold.path("reason").asString()).contains("would disable or delete 12 account(s)")
            .contains("limit of 4").contains("all 12 held, nothing sent");
        assertThat(api.get("/api/v1/audit?identity=G11&size=100").body()).contains("OPERATIONS_HELD");
        assertThat(api.get("/actuator/prometheus").body()).contains("roster_guard_holds_total");

        // a real leaver from another source is not delayed by the held feed
        scim.modifyRequest("Users", leaver.getId()).replaceValue("active", false).invoke(UserResource.class);
        settled();
        assertThat(directory.read("G-SCIM").orElseThrow().enabled()).isFalse();
        assertThat(directory.read("G11").orElseThrow().enabled()).isTrue();

        // the principal whose feed opened the hold may not approve it; another may
        assertThat(hold.path("openedBy").asString()).isEqualTo("bootstrap");
        Api.Response own = api.send("POST", "/api/v1/holds/" + hold.path("id").asString() + "/approve",
            "application/json", "{}");
        assertThat(own.status()).as(own.body()).isEqualTo(403);
        assertThat(own.body()).contains("another principal must approve it");
        Api.Response approved = new Api("http://127.0.0.1:" + port, APPROVER).send("POST",
            "/api/v1/holds/" + hold.path("id").asString() + "/approve",
            "application/json", "{\"note\": \"reorganisation confirmed by HR\"}");
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        settled();
        for (int i = 0; i < 12; i++) {
            assertThat(directory.read("G" + i).orElseThrow().enabled()).as("G" + i).isFalse();
        }
        assertThat(directory.read("G12").orElseThrow().enabled()).isTrue();
        assertThat(provisioning.operations("G11", 50).stream()
            .filter(o -> o.operation().kind() == OperationKind.DISABLE)).hasSize(1);
        assertThat(api.get("/api/v1/audit?identity=G11&size=100").body()).contains("HOLD_APPROVED")
            .contains("reorganisation confirmed by HR");
    }

    private static String feed(int terminated) {
        StringBuilder csv = new StringBuilder("employeeNumber,userName,department,workerType,employmentStatus\n");
        for (int i = 0; i < WORKERS; i++) {
            csv.append("G").append(i).append(",guard").append(i).append(",Sales,employee,")
                .append(i < terminated ? "terminated" : "active").append('\n');
        }
        return csv.toString();
    }

    private JsonNode upload(Api api, String csv) {
        Api.Response r = api.send("POST", "/api/v1/hr/snapshots?source=feed", "text/csv", csv);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private void settled() {
        await().atMost(Duration.ofSeconds(10)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
    }
}
