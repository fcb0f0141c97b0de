package org.roster.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.types.UserResource;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.roster.audit.AuditLog;
import org.roster.audit.AuditRecord;
import org.roster.hr.ScimSchemas;
import org.roster.provisioning.memory.InMemoryConnector;
import org.roster.provisioning.memory.InMemoryConnectorFactory;
import org.roster.support.ScimClients;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The durable outbox across a target outage: operations wait, retry, and land once each, in order. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + DispatchOutageTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:outage;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.initial-backoff=50ms",
    "roster.provisioning.max-backoff=200ms",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.provisioning.targets[0].breaker-cool-down=100ms"})
class DispatchOutageTests {

    static final String TOKEN = "outage-token-0123456789abcdef";

    @LocalServerPort
    int port;
    @Autowired
    InMemoryConnectorFactory memory;
    @Autowired
    Provisioning provisioning;
    @Autowired
    AuditLog audit;

    @Test
    void changesDuringAnOutageWaitAndLandOnceInOrderWhenTheTargetReturns() throws Exception {
        ScimService scim = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
        InMemoryConnector target = memory.connector("directory").orElseThrow();
        target.setUnreachable(true);

        UserResource a = scim.create("Users", ScimClients.user("OUT1", "out1", "Sales", "employee", null));
        scim.create("Users", ScimClients.user("OUT2", "out2", "Sales", "contractor", null));
        scim.modifyRequest("Users", a.getId())
            .replaceValue(ScimSchemas.ENTERPRISE_USER + ":department", "Finance").invoke(UserResource.class);
        scim.modifyRequest("Users", a.getId()).replaceValue("active", false).invoke(UserResource.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> retries("OUT1") >= 2);
        assertThat(provisioning.acknowledgedAccounts("OUT1")).isEmpty();
        assertThat(provisioning.count(OutboxEntry.Status.DONE)).isZero();

        target.setUnreachable(false);

        await().atMost(Duration.ofSeconds(10)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
        TargetAccount leaver = target.read("OUT1").orElseThrow();
        assertThat(leaver.enabled()).isFalse();
        assertThat(leaver.entitlements()).isEmpty();
        assertThat(target.read("OUT2").orElseThrow().entitlements()).containsExactlyInAnyOrder("contractors", "dept-sales");
        assertThat(provisioning.count(OutboxEntry.Status.DEAD)).isZero();

        // Every operation acknowledged exactly once, in the order it was planned.
        List<OutboxEntry> ops = new java.util.ArrayList<>(provisioning.operations("OUT1", 100));
        java.util.Collections.reverse(ops);
        assertThat(ops).allMatch(o -> o.status() == OutboxEntry.Status.DONE);
        assertThat(ops).extracting(o -> o.operation().describe()).containsExactly(
            "CREATE directory", "ADD_ENTITLEMENT directory dept-sales", "ADD_ENTITLEMENT directory employees",
            "REMOVE_ENTITLEMENT directory dept-sales", "UPDATE directory", "ADD_ENTITLEMENT directory dept-finance",
            "DISABLE directory", "REMOVE_ENTITLEMENT directory dept-finance", "REMOVE_ENTITLEMENT directory employees");
        assertThat(ops).isSortedAccordingTo((x, y) -> x.ackedAt().compareTo(y.ackedAt()));
        // and audited once each, in that order: one record per batch the target acknowledged
        assertThat(org.roster.support.Acknowledgements.operations(acked("OUT1")))
            .containsExactlyElementsOf(ops.stream().map(o -> o.operation().describe()).toList());
    }

    private long retries(String identity) {
        return records(identity).stream().filter(r -> r.entry().kind().equals("OPERATION_RETRY")).count();
    }

    private List<String> acked(String identity) {
        return records(identity).stream().filter(r -> r.entry().kind().equals("OPERATION_ACKED"))
            .map(r -> r.entry().detail()).toList();
    }

    private List<AuditRecord> records(String identity) {
        return audit.forIdentity(identity, 0, 1000);
    }
}
