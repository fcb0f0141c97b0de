package org.roster.provisioning.scim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.roster.hr.SnapshotFormat;
import org.roster.hr.SnapshotImport;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.support.ScimTargetServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A first load into a SCIM application through the whole product: the joiners' additions to the
 * birthright group that a dispatch wave has at hand go in a few PATCHes, not one each, and every
 * joiner ends a member once; then all of them leave, and their removals go together too, each
 * leaver's access verified gone (the independent SCIM server, captaingoldfish's).
 */
@SpringBootTest(properties = {
    "roster.demo.enabled=false",
    "roster.store.url=jdbc:h2:mem:scim-joiners;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.hr.sources[0].name=export",
    "roster.hr.sources[0].type=snapshot",
    "roster.plan.guard.enabled=false",
    "roster.policy.rules[0].name=everyone",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=crm",
    "roster.policy.rules[0].grants[0].entitlement=crm-users"})
class ScimJoinersTogetherTests {

    private static final int JOINERS = 120;
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

    @Autowired
    SnapshotImport snapshots;
    @Autowired
    Provisioning provisioning;

    @Test
    void aWaveOfJoinersJoinsTheBirthrightGroupInAFewPatchesAndAWaveOfLeaversLeavesItSo() throws Exception {
        long before = crm.requests();
        load("active");

        assertThat(provisioning.count(OutboxEntry.Status.DEAD)).isZero();
        var group = crm.groups().values().stream().filter(g -> g.getDisplayName().orElse("").equals("crm-users"))
            .findFirst().orElseThrow();
        assertThat(group.getMembers()).hasSize(JOINERS);
        assertThat(group.getMembers().stream().map(m -> m.getValue().orElseThrow()).distinct()).hasSize(JOINERS);
        // one PATCH a joiner before; now one per 50 of a wave (the group's creation takes the first 50)
        assertThat(crm.groupPatches()).as("PATCHes of the group for %d joiners", JOINERS).isLessThanOrEqualTo(JOINERS / 10);
        assertThat(provisioning.operations("J7", 10)).filteredOn(o -> o.operation().entitlement() != null)
            .singleElement().satisfies(o -> assertThat(o.status()).isEqualTo(OutboxEntry.Status.DONE));
        // a create is one request: the joiners' users were looked for 50 at a time, not each before its create
        assertThat(crm.requests() - before).as("requests for %d joiners", JOINERS).isLessThanOrEqualTo(JOINERS + 40);
        assertThat(crm.users()).hasSize(JOINERS);

        long patches = crm.groupPatches();
        long requests = crm.requests();
        load("terminated");
        String[] leavers = {"J0", "J57", "J" + (JOINERS - 1)};
        await().atMost(Duration.ofSeconds(60)).until(() -> java.util.Arrays.stream(leavers)
            .allMatch(l -> provisioning.revocations(l).size() == 1));
        assertThat(provisioning.count(OutboxEntry.Status.DEAD)).isZero();
        assertThat(crm.groups().values().stream().filter(g -> g.getDisplayName().orElse("").equals("crm-users"))
            .findFirst().orElseThrow().getMembers()).as("the birthright group after every member left").isEmpty();
        assertThat(crm.groupPatches() - patches).as("PATCHes of the group for %d leavers", JOINERS)
            .isLessThanOrEqualTo(JOINERS / 10);
        // each leaver's disable is one request (their users found 50 at a time first); their removals from the
        // group and the read-backs that verify their access gone are a few searches and PATCHes per 50, not two each
        await().atMost(Duration.ofSeconds(30)).until(() -> java.util.stream.IntStream.range(0, JOINERS)
            .allMatch(i -> provisioning.revocations("J" + i).size() == 1));
        assertThat(crm.requests() - requests).as("requests for %d leavers", JOINERS).isLessThanOrEqualTo(JOINERS + 40);
        for (String leaver : leavers) {
            assertThat(provisioning.revocations(leaver)).singleElement()
                .satisfies(r -> assertThat(r.result()).isEqualTo(org.roster.provisioning.Revocation.Result.VERIFIED));
        }
    }

    /** A snapshot of every joiner, with this employment status. */
    private void load(String status) throws Exception {
        StringBuilder csv = new StringBuilder(
            "employeeNumber,userName,givenName,familyName,email,department,workerType,startDate,employmentStatus\n");
        for (int i = 0; i < JOINERS; i++) {
            csv.append("J").append(i).append(",joiner").append(i).append(",Given,Family").append(i).append(",joiner").append(i)
                .append("@example.com,Sales,employee,2020-01-06,").append(status).append("\n");
        }
        snapshots.importSnapshot("export", new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)),
            SnapshotFormat.CSV, "test", null);
        await().atMost(Duration.ofSeconds(60)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
    }
}
