package org.roster.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.scim2.client.ScimService;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.roster.provisioning.memory.InMemoryConnector;
import org.roster.provisioning.memory.InMemoryConnectorFactory;
import org.roster.support.ScimClients;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Each target is dispatched on its own: an unreachable target delays nothing but its own
 * operations, and a target with several senders still applies each identity's operations in order.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + TargetLanesTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:lanes;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.initial-backoff=50ms",
    "roster.provisioning.max-backoff=200ms",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.provisioning.targets[0].concurrency=8",
    "roster.provisioning.targets[1].name=crm",
    "roster.provisioning.targets[1].type=memory",
    "roster.provisioning.targets[1].concurrency=1",
    "roster.policy.rules[0].name=everyone",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.policy.rules[0].grants[0].entitlement=staff",
    "roster.policy.rules[0].grants[1].target=crm",
    "roster.policy.rules[0].grants[1].entitlement=crm-user"})
class TargetLanesTests {

    static final String TOKEN = "lanes-token-0123456789abcdef";
    private static final int WORKERS = 40;

    @LocalServerPort
    int port;
    @Autowired
    InMemoryConnectorFactory memory;
    @Autowired
    Provisioning provisioning;

    @Test
    void anUnreachableTargetHoldsUpOnlyItselfAndOrderHoldsPerIdentity() throws Exception {
        ScimService scim = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
        InMemoryConnector directory = memory.connector("directory").orElseThrow();
        InMemoryConnector crm = memory.connector("crm").orElseThrow();
        crm.setUnreachable(true);

        for (int i = 0; i < WORKERS; i++) {
            scim.create("Users", ScimClients.user("LANE" + i, "lane" + i, "Sales", "employee", null));
        }

        // The directory gets every account and group while the CRM is down.
        await().atMost(Duration.ofSeconds(20)).until(() -> directory.read("LANE" + (WORKERS - 1)).isPresent()
            && provisioning.acknowledgedAccounts("LANE" + (WORKERS - 1)).stream().anyMatch(a -> a.target().equals("directory")
                && a.entitlements().contains("staff")));
        for (int i = 0; i < WORKERS; i++) {
            assertThat(directory.read("LANE" + i)).hasValueSatisfying(a -> assertThat(a.entitlements()).contains("staff"));
        }
        assertThat(provisioning.acknowledgedAccounts("LANE0")).extracting(a -> a.target()).containsExactly("directory");

        crm.setUnreachable(false);
        await().atMost(Duration.ofSeconds(20)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
        assertThat(provisioning.count(OutboxEntry.Status.DEAD)).isZero();
        for (int i = 0; i < WORKERS; i++) {
            assertThat(crm.read("LANE" + i)).hasValueSatisfying(a -> assertThat(a.entitlements()).containsExactly("crm-user"));
            // Per identity and target, the account was created before its group was added.
            List<OutboxEntry> ops = provisioning.operations("LANE" + i, 10).stream()
                .filter(o -> o.operation().target().equals("directory")).toList();
            assertThat(ops).extracting(o -> o.operation().kind().name()).containsExactly("ADD_ENTITLEMENT", "CREATE");
            assertThat(ops.get(0).ackedAt()).isAfterOrEqualTo(ops.get(1).ackedAt());
        }
    }
}
