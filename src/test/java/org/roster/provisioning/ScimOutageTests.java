package org.roster.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.types.UserResource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.roster.hr.ScimSchemas;
import org.roster.support.Api;
import org.roster.support.ScimClients;
import org.roster.support.ScimTargetServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real SCIM application stops answering during a burst of HR changes: the circuit opens, the
 * operations wait without using up their attempts (three would kill them otherwise), and when the
 * application is back every operation lands once, in order: no user twice, no change lost.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + ScimOutageTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:scim-outage;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.max-attempts=3",
    "roster.provisioning.initial-backoff=20ms",
    "roster.provisioning.max-backoff=50ms",
    "roster.policy.rules[0].name=everyone",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=crm",
    "roster.policy.rules[0].grants[0].entitlement=crm-users",
    "roster.policy.rules[1].name=department",
    "roster.policy.rules[1].when=worker.department != ''",
    "roster.policy.rules[1].grants[0].target=crm",
    "roster.policy.rules[1].grants[0].expression='crm-' + worker.department.lowerAscii()"})
class ScimOutageTests {

    static final String TOKEN = "scim-outage-token-0123456789";
    private static final int WORKERS = 12;
    static ScimTargetServer crm;

    @DynamicPropertySource
    static void target(DynamicPropertyRegistry r) throws Exception {
        crm = new ScimTargetServer();
        r.add("roster.provisioning.targets[0].name", () -> "crm");
        r.add("roster.provisioning.targets[0].type", () -> "scim");
        r.add("roster.provisioning.targets[0].breaker-failures", () -> "3");
        r.add("roster.provisioning.targets[0].breaker-cool-down", () -> "300ms");
        r.add("roster.provisioning.targets[0].scim.url", crm::baseUrl);
        r.add("roster.provisioning.targets[0].scim.token", () -> ScimTargetServer.TOKEN);
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
    void aBurstDuringAnOutageWaitsAndLandsOnceInOrderWhenTheApplicationReturns() throws Exception {
        ScimService scim = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
        Api api = new Api("http://127.0.0.1:" + port, TOKEN);
        crm.setDown(true);

        List<UserResource> workers = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            workers.add(scim.create("Users", ScimClients.user("O" + i, "o" + i, "Sales", "employee", null)));
        }
        scim.modifyRequest("Users", workers.get(1).getId())
            .replaceValue(ScimSchemas.ENTERPRISE_USER + ":department", "Finance").invoke(UserResource.class);
        scim.modifyRequest("Users", workers.get(2).getId()).replaceValue("active", false).invoke(UserResource.class);

        // the circuit opens; for longer than three attempts would last, nothing dies and nothing is sent
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/actuator/prometheus").body()
            .contains("roster_circuit_open{target=\"crm\"} 1.0"));
        long before = crm.requests();
        Thread.sleep(2_000);
        assertThat(provisioning.count(OutboxEntry.Status.DEAD)).isZero();
        assertThat(provisioning.count(OutboxEntry.Status.DONE)).isZero();
        assertThat(crm.requests() - before).as("probes only, one per cool-down").isLessThan(10);

        crm.setDown(false);
        await().atMost(Duration.ofSeconds(20)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);

        assertThat(provisioning.count(OutboxEntry.Status.DEAD)).isZero();
        assertThat(crm.users()).hasSize(WORKERS);
        for (int i = 0; i < WORKERS; i++) {
            var user = crm.userByExternalId("O" + i).orElseThrow();
            String expected = i == 1 ? "crm-finance" : "crm-sales";
            if (i == 2) {
                assertThat(user.isActive()).contains(false);
                assertThat(crm.groupsOf(user.getId().orElseThrow())).isEmpty();
            } else {
                assertThat(crm.groupsOf(user.getId().orElseThrow())).containsExactlyInAnyOrder("crm-users", expected);
            }
        }
        // every operation of the mover acknowledged once, in the order it was planned
        List<OutboxEntry> ops = new ArrayList<>(provisioning.operations("O1", 50));
        Collections.reverse(ops);
        assertThat(ops).allMatch(o -> o.status() == OutboxEntry.Status.DONE);
        assertThat(ops).isSortedAccordingTo((x, y) -> x.ackedAt().compareTo(y.ackedAt()));
        assertThat(ops).extracting(o -> o.operation().describe()).containsExactly(
            "CREATE crm", "ADD_ENTITLEMENT crm crm-sales", "ADD_ENTITLEMENT crm crm-users",
            "REMOVE_ENTITLEMENT crm crm-sales", "UPDATE crm", "ADD_ENTITLEMENT crm crm-finance");
        assertThat(api.get("/api/v1/audit?identity=O1&size=200").json().toString()).contains("OPERATION_RETRY");
    }
}
