package org.roster.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.types.UserResource;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.ScimClients;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A legacy system without any API: each operation becomes a task for its owner, one at a time per
 * person and in order, acknowledged when closed with a note; an open task past its time is overdue.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + ManualTargetTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:manual-target;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=legacy-erp",
    "roster.provisioning.targets[0].type=manual",
    "roster.provisioning.targets[0].manual.owner=erp-admins",
    "roster.provisioning.targets[0].manual.due-within=1s",
    "roster.provisioning.targets[0].revocation-slo=1h",
    "roster.policy.rules[0].name=everyone",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=legacy-erp",
    "roster.policy.rules[0].grants[0].entitlement=erp-users"})
class ManualTargetTests {

    static final String TOKEN = "manual-target-token-0123456789";

    @LocalServerPort
    int port;
    @Autowired
    Provisioning provisioning;

    private Api api;

    private JsonNode openTask(String identity) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (JsonNode t : api.get("/api/v1/tasks?target=legacy-erp&status=OPEN").json().path("items")) {
                if (identity.equals(t.path("identity").asString())) {
                    return t;
                }
            }
            return null;
        }, t -> t != null);
    }

    private Api.Response done(JsonNode task, String note) {
        return api.send("POST", "/api/v1/tasks/" + task.path("id").asString() + "/done", "application/json",
            "{\"note\": \"" + note + "\"}");
    }

    @Test
    void eachOperationIsATaskDoneInOrderAndAcknowledgedWhenClosed() throws Exception {
        api = new Api("http://127.0.0.1:" + port, TOKEN);
        ScimService scim = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
        UserResource u = scim.create("Users", ScimClients.user("M1", "m1", "Sales", "employee", null));

        JsonNode create = openTask("M1");
        assertThat(create.path("operation").asString()).isEqualTo("CREATE legacy-erp");
        assertThat(create.path("detail").asString()).contains("m1");
        // one at a time: the group waits for the account
        assertThat(api.get("/api/v1/tasks?target=legacy-erp&status=OPEN").json().path("items").size()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> api.get("/api/v1/tasks/" + create.path("id").asString())
            .json().path("overdue").asBoolean());
        assertThat(api.get("/actuator/prometheus").body()).contains("roster_manual_tasks_overdue{target=\"legacy-erp\"} 1.0");

        assertThat(done(create, "").status()).isEqualTo(400);
        assertThat(done(create, "account m1 created in ERP admin screen").status()).isEqualTo(200);
        assertThat(done(create, "again").status()).isEqualTo(409);
        JsonNode group = openTask("M1");
        assertThat(group.path("operation").asString()).isEqualTo("ADD_ENTITLEMENT legacy-erp erp-users");
        assertThat(done(group, "role erp-users given").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> provisioning.acknowledgedAccounts("M1").stream()
            .anyMatch(a -> a.entitlements().contains("erp-users")));

        scim.modifyRequest("Users", u.getId()).replaceValue("active", false).invoke(UserResource.class);
        JsonNode disable = openTask("M1");
        assertThat(disable.path("operation").asString()).isEqualTo("DISABLE legacy-erp");
        assertThat(done(disable, "account locked").status()).isEqualTo(200);
        JsonNode removal = openTask("M1");
        assertThat(done(removal, "role removed").status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).until(() -> !provisioning.revocations("M1").isEmpty());
        Revocation r = provisioning.revocations("M1").get(0);
        assertThat(r.result()).isEqualTo(Revocation.Result.NOT_VERIFIABLE);
        assertThat(r.breached()).isFalse();
        assertThat(provisioning.count(OutboxEntry.Status.PENDING)).isZero();
        assertThat(api.get("/api/v1/audit?identity=M1&size=200").body()).contains("TASK_DONE").contains("account locked")
            .contains("OPERATION_ACKED");
    }
}
