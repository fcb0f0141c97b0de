package org.roster.provisioning.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.roster.hr.ScimSchemas;
import org.roster.hr.SnapshotFormat;
import org.roster.hr.SnapshotImport;
import org.roster.plan.Operation;
import org.roster.plan.OperationKind;
import org.roster.plan.Plan;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.provisioning.TargetAccount;
import org.roster.provisioning.memory.InMemoryConnector;
import org.roster.provisioning.memory.InMemoryConnectorFactory;
import org.roster.support.Api;
import org.roster.support.ScimWorkers;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A termination does not wait for the bulk work its target's lane is in the middle of: the lane
 * stops its pass of routine operations at its next send, sends the revocation, and takes up the
 * rest where it stopped, each identity's operations still in order and none lost. The target takes
 * 20 ms a change and the bulk work is a snapshot of new workers planned in one transaction, so one
 * pass of it takes seconds. Both ways a lane learns of a revocation are exercised: planned on its own
 * instance (the only way in the default single-instance mode), and, with the lane told it is in a
 * cluster, found in the store as one planned by another instance would be.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + RevocationsOvertakeRoutineWorkTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:overtake;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.hr.sources[0].name=export",
    "roster.hr.sources[0].type=snapshot",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.provisioning.targets[0].concurrency=2",
    "roster.policy.rules[0].name=everyone",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.policy.rules[0].grants[0].entitlement=staff"})
class RevocationsOvertakeRoutineWorkTests {

    static final String TOKEN = "overtake-token-0123456789abcdef";
    private static final int BULK = 100;

    @LocalServerPort
    int port;
    @Autowired
    InMemoryConnectorFactory memory;
    @Autowired
    Provisioning provisioning;
    @Autowired
    SnapshotImport snapshots;
    @Autowired
    OutboxRepository outbox;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    Dispatcher dispatcher;

    @Test
    void aRevocationIsSentInTheMiddleOfAPassOfBulkWork() throws Exception {
        Api api = new Api("http://127.0.0.1:" + port, TOKEN);
        InMemoryConnector directory = memory.connector("directory").orElseThrow();
        String leaver = ScimWorkers.hire(api, "OVT-LEAVER", "ovtleaver", null);
        String other = "OVT-OTHER";
        ScimWorkers.hire(api, other, "ovtother", null);
        await().atMost(Duration.ofSeconds(20)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
        assertThat(enabled(directory, "OVT-LEAVER")).contains(true);
        directory.setLatency(Duration.ofMillis(20));

        // Planned here: the termination arrives through SCIM while the lane sends the first bulk.
        importBulk(BULK);
        await().atMost(Duration.ofSeconds(20)).until(() -> bulkAccounts(directory) >= 3);
        Api.Response r = api.send("PATCH", "/scim/v2/Users/" + leaver, "application/scim+json", """
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "replace", "path": "%s:employmentStatus", "value": "terminated"}]}
            """.formatted(ScimSchemas.WORKER));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
            .until(() -> enabled(directory, "OVT-LEAVER").orElse(true) == false);
        // the pass it interrupted (a hundred accounts, then a hundred group additions) was not over
        assertThat(bulkAccountsWithStaff(directory)).as("bulk accounts with their group when the leaver was disabled")
            .isLessThan(BULK);

        // Planned by another instance of a cluster: nothing tells this lane but the store.
        await().atMost(Duration.ofSeconds(60)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
        dispatcher.lane("directory").orElseThrow().clustered(true);
        importBulk(2 * BULK);
        await().atMost(Duration.ofSeconds(20)).until(() -> bulkAccounts(directory) >= BULK + 3);
        Instant now = Instant.now();
        transactions.executeWithoutResult(s -> outbox.insert(new Plan(other, "elsewhere-1", now, now, "test",
            List.of(new Operation("directory", other, OperationKind.DISABLE, Map.of(), null, "LEAVER: planned elsewhere", true),
                new Operation("directory", other, OperationKind.REMOVE_ENTITLEMENT, Map.of(), "staff", "LEAVER: planned elsewhere",
                    true)),
            "scim")));
        dispatcher.wake(); // as the instance that planned it does after its commit: work, not a revocation
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
            .until(() -> enabled(directory, other).orElse(true) == false);
        assertThat(bulkAccountsWithStaff(directory)).as("bulk accounts with their group when the other was disabled")
            .isLessThan(2 * BULK);

        // Nothing of the bulk work was lost or sent out of order.
        dispatcher.lane("directory").orElseThrow().clustered(false);
        directory.setLatency(Duration.ZERO);
        await().atMost(Duration.ofSeconds(60)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
        assertThat(provisioning.count(OutboxEntry.Status.DEAD)).isZero();
        assertThat(bulkAccountsWithStaff(directory)).isEqualTo(2 * BULK);
        for (int i = 0; i < 2 * BULK; i += 7) {
            List<OutboxEntry> ops = provisioning.operations("OVT" + i, 10);
            assertThat(ops).extracting(o -> o.operation().kind()).containsExactly(OperationKind.ADD_ENTITLEMENT,
                OperationKind.CREATE);
            assertThat(ops).allSatisfy(o -> assertThat(o.status()).isEqualTo(OutboxEntry.Status.DONE));
            assertThat(ops.get(0).ackedAt()).isAfterOrEqualTo(ops.get(1).ackedAt());
        }
    }

    /** A snapshot of the export source: workers OVT0 to OVT(n-1), all new but those of the last one. */
    private void importBulk(int workers) throws Exception {
        StringBuilder csv = new StringBuilder("employeeNumber,userName,givenName,familyName,email,department,workerType,startDate\n");
        for (int i = 0; i < workers; i++) {
            csv.append("OVT").append(i).append(",ovt").append(i).append(",Given,Bulk").append(i).append(",ovt").append(i)
                .append("@example.com,Sales,employee,2020-01-06\n");
        }
        snapshots.importSnapshot("export", new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)),
            SnapshotFormat.CSV, "test", null);
    }

    private static long bulkAccounts(InMemoryConnector directory) throws Exception {
        return count(directory, false);
    }

    private static long bulkAccountsWithStaff(InMemoryConnector directory) throws Exception {
        return count(directory, true);
    }

    private static long count(InMemoryConnector directory, boolean withStaff) throws Exception {
        long[] n = {0};
        directory.list(100, a -> {
            if (a.key().matches("OVT\\d+") && (!withStaff || a.entitlements().contains("staff"))) {
                n[0]++;
            }
        });
        return n[0];
    }

    private static Optional<Boolean> enabled(InMemoryConnector directory, String identity) throws Exception {
        return directory.read(identity).map(TargetAccount::enabled);
    }
}
