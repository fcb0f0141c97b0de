package org.roster.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.types.UserResource;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.roster.grants.internal.GrantExpiry;
import org.roster.hr.ScimSchemas;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.provisioning.TargetAccount;
import org.roster.provisioning.memory.InMemoryConnector;
import org.roster.provisioning.memory.InMemoryConnectorFactory;
import org.roster.support.Api;
import org.roster.support.MutableClock;
import org.roster.support.ScimClients;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import tools.jackson.databind.JsonNode;

/**
 * The policy model end to end, driven through SCIM and the REST API against a target that keeps
 * accounts in memory: mover rules (position, person, privileged review), leave of absence per
 * worker type, exceptions and JIT grants with their expiry, segregation of duties, preview.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + PolicyScenarioTests.ADMIN,
    "roster.api.tokens[0].roles=operator",
    "roster.api.tokens[0].name=alice",
    "roster.api.tokens[0].token=" + PolicyScenarioTests.ALICE,
    "roster.api.tokens[1].roles=operator",
    "roster.api.tokens[1].name=bob",
    "roster.api.tokens[1].token=" + PolicyScenarioTests.BOB,
    "roster.api.tokens[2].roles=operator",
    "roster.api.tokens[2].name=finance-owner",
    "roster.api.tokens[2].token=" + PolicyScenarioTests.OWNER,
    "roster.api.tokens[3].roles=auditor",
    "roster.api.tokens[3].name=network-team",
    "roster.api.tokens[3].token=" + PolicyScenarioTests.NETWORK,
    "roster.store.url=jdbc:h2:mem:policy-scenarios;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.policy.rules[0].name=staff",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.policy.rules[0].grants[0].entitlement=staff",
    "roster.policy.rules[1].name=finance",
    "roster.policy.rules[1].when=worker.department == 'Finance'",
    "roster.policy.rules[1].grants[0].target=directory",
    "roster.policy.rules[1].grants[0].entitlement=finance-reports",
    "roster.policy.rules[1].grants[1].target=directory",
    "roster.policy.rules[1].grants[1].entitlement=finance-admin",
    "roster.policy.rules[1].grants[2].target=directory",
    "roster.policy.rules[1].grants[2].entitlement=finance-wiki",
    "roster.policy.rules[2].name=engineering",
    "roster.policy.rules[2].when=worker.department == 'Engineering'",
    "roster.policy.rules[2].grants[0].target=directory",
    "roster.policy.rules[2].grants[0].entitlement=eng",
    "roster.policy.rules[3].name=clerks",
    "roster.policy.rules[3].when=worker.title == 'Payments Clerk'",
    "roster.policy.rules[3].grants[0].target=directory",
    "roster.policy.rules[3].grants[0].entitlement=payments-create",
    "roster.policy.rules[4].name=approvers",
    "roster.policy.rules[4].when=worker.costCenter == 'CC-APPROVE'",
    "roster.policy.rules[4].grants[0].target=directory",
    "roster.policy.rules[4].grants[0].entitlement=payments-approve",
    "roster.policy.catalogue.directory[0].name=staff",
    "roster.policy.catalogue.directory[1].name=finance-reports",
    "roster.policy.catalogue.directory[2].name=finance-admin",
    "roster.policy.catalogue.directory[2].privileged=true",
    "roster.policy.catalogue.directory[2].owner=finance-owner",
    "roster.policy.catalogue.directory[3].name=finance-wiki",
    "roster.policy.catalogue.directory[3].follows=person",
    "roster.policy.catalogue.directory[4].name=eng",
    "roster.policy.catalogue.directory[5].name=payments-create",
    "roster.policy.catalogue.directory[6].name=payments-approve",
    "roster.policy.catalogue.directory[7].name=vpn",
    "roster.policy.catalogue.directory[7].owner=network-team",
    "roster.policy.catalogue.directory[8].name=prod-db",
    "roster.policy.catalogue.directory[8].privileged=true",
    "roster.policy.segregation-of-duties[0].name=pay-and-approve",
    "roster.policy.segregation-of-duties[0].entitlements[0]=directory:payments-create",
    "roster.policy.segregation-of-duties[0].entitlements[1]=directory:payments-approve",
    "roster.policy.leave-of-absence=suspend",
    "roster.policy.leave-of-absence-by-worker-type.contractor=disable",
    "roster.policy.privileged-review-deadline=1h",
    "roster.plan.delete-after=30d"})
class PolicyScenarioTests {

    static final String ADMIN = "policy-admin-token-0123456789";
    static final String ALICE = "policy-alice-token-0123456789";
    static final String NETWORK = "policy-network-token-0123456789";
    static final String BOB = "policy-bob-token-0123456789ab";
    static final String OWNER = "policy-owner-token-0123456789";
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock testClock() {
            return CLOCK;
        }

        @Bean
        LongPass longPass() {
            return new LongPass();
        }
    }

    /**
     * Makes a pass of the grant expiry loop take long, as a pass with thousands due does: when the grant the
     * test names is ended, the clock moves on, inside the pass.
     */
    static class LongPass {
        private volatile @org.jspecify.annotations.Nullable String grant;
        private volatile Duration by = Duration.ZERO;

        void whenEnded(String grant, Duration by) {
            this.by = by;
            this.grant = grant;
        }

        @org.springframework.context.event.EventListener
        void on(AccessChanged changed) {
            String armed = grant;
            if (armed != null && changed.cause().contains(armed + " expired")) {
                grant = null;
                CLOCK.advance(by);
            }
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    InMemoryConnectorFactory memory;
    @Autowired
    Provisioning provisioning;
    @Autowired
    GrantExpiry expiry;
    @Autowired
    LongPass longPass;
    @Autowired
    AccountDeletion deletion;
    @Autowired
    org.roster.lifecycle.Lifecycle lifecycle;
    @Autowired
    org.springframework.transaction.support.TransactionTemplate tx;
    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    private ScimService scim;
    private InMemoryConnector directory;

    @BeforeEach
    void clients() {
        scim = ScimClients.hr("http://127.0.0.1:" + port, ADMIN);
        directory = memory.connector("directory").orElseThrow();
    }

    private Api as(String token) {
        return new Api("http://127.0.0.1:" + port, token);
    }

    private static String newId() {
        return "P" + UUID.randomUUID().toString().substring(0, 8);
    }

    private UserResource push(String id, String department, String type, String title, String costCenter)
        throws Exception {
        UserResource u = ScimClients.user(id, "u" + id.toLowerCase(java.util.Locale.ROOT), department, type, null);
        u.setTitle(title);
        var enterprise = u.getExtension(com.unboundid.scim2.common.types.EnterpriseUserExtension.class);
        enterprise.setCostCenter(costCenter);
        u.setExtension(enterprise);
        UserResource created = scim.create("Users", u);
        settled();
        return created;
    }

    private void patch(UserResource u, String path, Object value) throws Exception {
        var request = scim.modifyRequest("Users", u.getId());
        if (value instanceof Boolean b) {
            request.replaceValue(path, b);
        } else {
            request.replaceValue(path, value.toString());
        }
        request.invoke(UserResource.class);
        settled();
    }

    private void settled() {
        await().atMost(Duration.ofSeconds(10)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
    }

    private Set<String> groups(String id) throws Exception {
        return directory.read(id).map(TargetAccount::entitlements).orElse(Set.of());
    }

    private TargetAccount account(String id) throws Exception {
        return directory.read(id).orElseThrow();
    }

    private JsonNode post(Api api, String path, String json, int expected) {
        Api.Response r = api.send("POST", path, "application/json", json);
        assertThat(r.status()).as(r.body()).isEqualTo(expected);
        return r.json();
    }

    private void timePasses(Duration d) {
        CLOCK.set(CLOCK.instant().plus(d));
        expiry.wake();
    }

    @Test
    void aMoverLosesPositionAccessKeepsPersonAccessAndPrivilegedAccessWaitsForItsOwner() throws Exception {
        String id = newId();
        UserResource u = push(id, "Finance", "employee", "Analyst", "CC-1");
        assertThat(groups(id)).containsExactlyInAnyOrder("staff", "finance-reports", "finance-admin", "finance-wiki");

        patch(u, ScimSchemas.ENTERPRISE_USER + ":department", "Engineering");

        // position access gone, person access kept, privileged access suspended pending review
        assertThat(groups(id)).containsExactlyInAnyOrder("staff", "eng", "finance-wiki");
        JsonNode reviews = as(ADMIN).get("/api/v1/access-reviews?owner=finance-owner&status=OPEN").json().path("items");
        JsonNode review = null;
        for (JsonNode r : reviews) {
            if (id.equals(r.path("identity").asString())) {
                review = r;
            }
        }
        assertThat(review).isNotNull();
        assertThat(review.path("entitlement").asString()).isEqualTo("finance-admin");
        assertThat(Instant.parse(review.path("dueAt").asString())).isEqualTo(CLOCK.instant().plus(Duration.ofHours(1)));
        String reviewId = review.path("id").asString();

        // only its owner decides
        post(as(BOB), "/api/v1/access-reviews/" + reviewId + "/keep", "{}", 403);
        post(as(OWNER), "/api/v1/access-reviews/" + reviewId + "/keep", "{\"note\": \"still runs month-end close\"}", 200);
        settled();
        assertThat(groups(id)).containsExactlyInAnyOrder("staff", "eng", "finance-wiki", "finance-admin");

        // the person-following access survives a later, unrelated change too
        patch(u, "title", "Senior Engineer");
        assertThat(groups(id)).contains("finance-wiki", "finance-admin");
    }

    @Test
    void privilegedAccessNotReviewedByTheDeadlineStaysRevoked() throws Exception {
        String id = newId();
        UserResource u = push(id, "Finance", "employee", "Analyst", "CC-1");
        patch(u, ScimSchemas.ENTERPRISE_USER + ":department", "Engineering");
        assertThat(groups(id)).doesNotContain("finance-admin");

        timePasses(Duration.ofHours(1).plusSeconds(1));

        await().atMost(Duration.ofSeconds(10)).until(() -> as(ADMIN).get("/api/v1/access-reviews?status=EXPIRED").body()
            .contains(id));
        settled();
        assertThat(groups(id)).doesNotContain("finance-admin");
        assertThat(as(ADMIN).get("/api/v1/audit?identity=" + id + "&size=200").body()).contains("REVIEW_EXPIRED")
            .contains("stays revoked");
    }

    @Test
    void leaveOfAbsenceFollowsTheWorkerType() throws Exception {
        String employee = newId();
        String contractor = newId();
        UserResource e = push(employee, "Finance", "employee", "Analyst", "CC-1");
        UserResource c = push(contractor, "Engineering", "contractor", "Developer", "CC-1");

        patch(e, ScimSchemas.WORKER + ":employmentStatus", "leave");
        patch(c, ScimSchemas.WORKER + ":employmentStatus", "leave");

        // employees: suspended, entitlements kept for the return; contractors: disabled and stripped
        assertThat(account(employee).enabled()).isFalse();
        assertThat(groups(employee)).contains("staff", "finance-reports");
        assertThat(account(contractor).enabled()).isFalse();
        assertThat(groups(contractor)).isEmpty();

        patch(c, ScimSchemas.WORKER + ":employmentStatus", "active");
        assertThat(account(contractor).enabled()).isTrue();
        assertThat(groups(contractor)).containsExactlyInAnyOrder("staff", "eng");
    }

    @Test
    void aLeaversAccountIsDisabledAtOnceAndDeletedAfterTheGracePeriodUnlessTheWorkerReturns() throws Exception {
        String gone = newId();
        String back = newId();
        UserResource g = push(gone, "Engineering", "employee", "Developer", "CC-1");
        UserResource b = push(back, "Engineering", "employee", "Developer", "CC-1");

        patch(g, "active", false);
        patch(b, "active", false);
        assertThat(account(gone).enabled()).isFalse();
        assertThat(groups(gone)).isEmpty();

        CLOCK.set(CLOCK.instant().plus(Duration.ofDays(10)));
        patch(b, "active", true); // rehired within the grace period
        CLOCK.set(CLOCK.instant().plus(Duration.ofDays(21)));
        deletion.wake();

        await().atMost(Duration.ofSeconds(10)).until(() -> directory.read(gone).isEmpty());
        settled();
        assertThat(provisioning.acknowledgedAccounts(gone)).isEmpty();
        assertThat(account(back).enabled()).isTrue();
        assertThat(provisioning.operations(gone, 50).get(0).operation().reason()).contains("deleted");
    }

    @Test
    void aDeletionFallingDueWaitsForAChangeToTheIdentityInProgress() throws Exception {
        String id = newId();
        UserResource u = push(id, "Engineering", "employee", "Developer", "CC-1");
        patch(u, "active", false);
        settled();

        // a change to the identity in progress (a rehire, say) holds its lock while the deletion falls due
        java.util.concurrent.CountDownLatch locked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread change = new Thread(() -> tx.executeWithoutResult(s -> {
            lifecycle.lock(id);
            locked.countDown();
            try {
                release.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        change.start();
        assertThat(locked.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        CLOCK.set(CLOCK.instant().plus(Duration.ofDays(31)));
        deletion.wake();
        Thread.sleep(400);
        assertThat(provisioning.operations(id, 50)).as("no deletion planned while the identity is being changed")
            .noneMatch(o -> o.operation().kind() == OperationKind.DELETE);
        release.countDown();
        change.join();
        await().atMost(Duration.ofSeconds(10)).until(() -> directory.read(id).isEmpty());
    }

    @Test
    void aDeletionThatCannotBePlannedHoldsBackNoneDueAfterIt() throws Exception {
        String refused = newId();
        String next = newId();
        UserResource r = push(refused, "Engineering", "employee", "Developer", "CC-1");
        UserResource n = push(next, "Engineering", "employee", "Developer", "CC-1");
        patch(r, "active", false);
        CLOCK.set(CLOCK.instant().plus(Duration.ofMinutes(1))); // its deletion falls due first
        patch(n, "active", false);
        // the store refuses the first one's deletion (as a fault or a constraint added by hand would)
        jdbc.sql("alter table outbox add constraint refuses_delete check (identity_key <> '" + refused + "'"
            + " or kind <> 'DELETE')").update();
        try {
            CLOCK.set(CLOCK.instant().plus(Duration.ofDays(31)));
            deletion.wake();

            await().atMost(Duration.ofSeconds(10)).until(() -> directory.read(next).isEmpty());
            assertThat(directory.read(refused)).as("not deleted yet").isPresent();
            assertThat(jdbc.sql("select count(*) from plan_timer where identity_key = ?").param(refused)
                .query(Long.class).single()).as("still due").isEqualTo(1);
        } finally {
            jdbc.sql("alter table outbox drop constraint refuses_delete").update();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> directory.read(refused).isEmpty());
        assertThat(provisioning.operations(refused, 50)).filteredOn(o -> o.operation().kind() == OperationKind.DELETE)
            .as("deleted once").hasSize(1);
    }

    /** Two engineers given prod-db just in time: the first for an hour (grant {@code firstGrant}), the second for two. */
    private record TwoGrants(String first, String second, String firstGrant) {
    }

    private TwoGrants twoJitGrants() throws Exception {
        String first = newId();
        String second = newId();
        push(first, "Engineering", "employee", "Developer", "CC-1");
        push(second, "Engineering", "employee", "Developer", "CC-1");
        String firstGrant = jit(first, "PT1H");
        jit(second, "PT2H");
        settled();
        return new TwoGrants(first, second, firstGrant);
    }

    @Test
    void aGrantThatCannotBeEndedHoldsBackNoneDueAfterIt() throws Exception {
        TwoGrants grants = twoJitGrants();
        String refused = grants.first();
        String next = grants.second();
        String first = grants.firstGrant();
        // the store refuses to end the first one (as a fault or a constraint added by hand would)
        jdbc.sql("alter table access_grant add constraint refuses_end check (id <> '" + first + "'"
            + " or status <> 'EXPIRED')").update();
        try {
            timePasses(Duration.ofHours(2).plusSeconds(1));

            await().atMost(Duration.ofSeconds(10)).until(() -> !groups(next).contains("prod-db"));
            assertThat(groups(refused)).as("not ended yet").contains("prod-db");
        } finally {
            jdbc.sql("alter table access_grant drop constraint refuses_end").update();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !groups(refused).contains("prod-db"));
        assertThat(as(ADMIN).get("/api/v1/audit?identity=" + refused + "&size=200").body()).contains("EXPIRED");
    }

    @Test
    void aGrantThatFallsDueWhileAPassRunsIsEndedAtOnce() throws Exception {
        TwoGrants grants = twoJitGrants();
        String first = grants.first();
        String second = grants.second();
        // the pass that ends the first grant takes an hour: the second falls due while it runs
        longPass.whenEnded(grants.firstGrant(), Duration.ofHours(1));

        timePasses(Duration.ofHours(1).plusSeconds(1));

        await().atMost(Duration.ofSeconds(10)).until(() -> !groups(first).contains("prod-db"));
        // the loop's next pass starts at once, not a minute later: the wait counts from when the pass began
        await().atMost(Duration.ofSeconds(10)).until(() -> !groups(second).contains("prod-db"));
    }

    /** A JIT grant of prod-db for this long, requested by alice and approved by bob; returns its id. */
    private String jit(String identity, String duration) {
        String id = post(as(ALICE), "/api/v1/jit-requests", """
            {"identity": "%s", "target": "directory", "entitlement": "prod-db", "reason": "incident 4711",
             "duration": "%s"}""".formatted(identity, duration), 201).path("id").asString();
        post(as(BOB), "/api/v1/jit-requests/" + id + "/approve", "{}", 200);
        return id;
    }

    @Test
    void anExceptionNeedsAnotherApproverAndIsRevokedAtExpiry() throws Exception {
        String id = newId();
        push(id, "Engineering", "employee", "Developer", "CC-1");
        Instant expires = CLOCK.instant().plus(Duration.ofDays(2));

        JsonNode requested = post(as(ALICE), "/api/v1/exceptions", """
            {"identity": "%s", "target": "directory", "entitlement": "vpn", "reason": "on-call for the migration",
             "expiresAt": "%s"}""".formatted(id, expires), 201);
        String exceptionId = requested.path("id").asString();
        assertThat(requested.path("owner").asString()).isEqualTo("network-team");
        assertThat(groups(id)).doesNotContain("vpn");

        JsonNode selfApproval = post(as(ALICE), "/api/v1/exceptions/" + exceptionId + "/approve", "{}", 403);
        assertThat(selfApproval.path("detail").asString()).contains("cannot approve their own request");
        JsonNode notTheOwner = post(as(BOB), "/api/v1/exceptions/" + exceptionId + "/approve", "{}", 403);
        assertThat(notTheOwner.path("detail").asString()).contains("decided by the owner, network-team, not bob");
        post(as(ADMIN), "/api/v1/exceptions/" + exceptionId + "/approve", "{}", 403);
        post(as(NETWORK), "/api/v1/exceptions/" + exceptionId + "/approve", "{}", 200);
        settled();
        assertThat(groups(id)).contains("vpn");
        assertThat(as(ADMIN).get("/api/v1/exceptions?owner=network-team&status=ACTIVE").body()).contains(exceptionId);

        timePasses(Duration.ofDays(2).plusSeconds(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> !groups(id).contains("vpn"));
        assertThat(as(ADMIN).get("/api/v1/exceptions/" + exceptionId).json().path("status").asString()).isEqualTo("EXPIRED");
        String audit = as(ADMIN).get("/api/v1/audit?identity=" + id + "&size=200").body();
        assertThat(audit).contains("approved by network-team").contains("EXPIRED");
    }

    /**
     * An owner walks the requests waiting for them page by page and decides as they go: the next page
     * starts after the last request they were given, so one decided (gone from the list) does not shift
     * a request they have not seen onto the page they already read. The requests share one instant on
     * the test's clock: the walk's order breaks the tie by id.
     */
    @Test
    void walkingTheRequestsWhileDecidingMissesNone() throws Exception {
        java.util.Set<String> mine = new java.util.HashSet<>();
        for (int i = 0; i < 7; i++) {
            String id = newId();
            push(id, "Engineering", "employee", "Developer", "CC-1");
            mine.add(post(as(ALICE), "/api/v1/exceptions", """
                {"identity": "%s", "target": "directory", "entitlement": "vpn", "reason": "walk %d",
                 "expiresAt": "%s"}""".formatted(id, i, CLOCK.instant().plus(Duration.ofDays(2))), 201).path("id").asString());
        }
        java.util.List<String> seen = new java.util.ArrayList<>();
        String list = "/api/v1/exceptions?owner=network-team&status=REQUESTED&size=3";
        JsonNode page = as(NETWORK).get(list).json();
        boolean decided = false;
        while (true) {
            for (JsonNode request : page.path("items")) {
                String id = request.path("id").asString();
                if (mine.contains(id)) {
                    seen.add(id);
                    if (!decided) {
                        post(as(NETWORK), "/api/v1/exceptions/" + id + "/approve", "{}", 200);
                        decided = true;
                    }
                }
            }
            if (page.path("next").isNull()) {
                break;
            }
            page = as(NETWORK).get(list + "&cursor=" + page.path("next").asString()).json();
        }
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(mine);
    }

    @Test
    void anExceptionIsRefusedWithTheFieldAndReason() {
        String bad = post(as(ALICE), "/api/v1/exceptions", """
            {"identity": "nobody", "target": "directory", "entitlement": "vpn", "reason": "x",
             "expiresAt": "%s"}""".formatted(CLOCK.instant().plus(Duration.ofDays(1))), 400).path("field").asString();
        assertThat(bad).isEqualTo("identity");
        assertThat(post(as(ALICE), "/api/v1/exceptions", """
            {"identity": "nobody", "target": "directory", "entitlement": "vpn", "reason": "x"}""", 400)
            .path("field").asString()).isEqualTo("expiresAt");
    }

    @Test
    void aJustInTimeGrantIsApprovedHeldForItsDurationAndRevoked() throws Exception {
        String id = newId();
        push(id, "Engineering", "employee", "Developer", "CC-1");

        String jit = post(as(ALICE), "/api/v1/jit-requests", """
            {"identity": "%s", "target": "directory", "entitlement": "prod-db", "reason": "incident 4711",
             "duration": "PT2H"}""".formatted(id), 201).path("id").asString();
        post(as(BOB), "/api/v1/jit-requests/" + jit + "/approve", "{\"note\": \"incident bridge\"}", 200);
        settled();
        assertThat(groups(id)).contains("prod-db");

        timePasses(Duration.ofHours(2).plusSeconds(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> !groups(id).contains("prod-db"));
        String audit = as(ADMIN).get("/api/v1/audit?identity=" + id + "&size=200").body();
        assertThat(audit).contains("APPROVED").contains("EXPIRED").contains("REMOVE_ENTITLEMENT directory prod-db");
    }

    @Test
    void aChangeThatWouldBreakSegregationOfDutiesIsHeldWhileTheRestGoesThrough() throws Exception {
        String id = newId();
        UserResource u = push(id, "Finance", "employee", "Payments Clerk", "CC-1");
        assertThat(groups(id)).contains("payments-create");

        patch(u, ScimSchemas.ENTERPRISE_USER + ":costCenter", "CC-APPROVE");

        assertThat(groups(id)).contains("payments-create").doesNotContain("payments-approve");
        JsonNode holds = as(ADMIN).get("/api/v1/holds?status=OPEN").json().path("items");
        String holdId = null;
        for (JsonNode h : holds) {
            if ("SOD".equals(h.path("kind").asString()) && h.path("reason").asString().contains(id)) {
                holdId = h.path("id").asString();
            }
        }
        assertThat(holdId).isNotNull();
        JsonNode detail = as(ADMIN).get("/api/v1/holds/" + holdId).json();
        assertThat(detail.path("hold").path("reason").asString()).contains("pay-and-approve");
        assertThat(detail.path("plans").get(0).path("operations").get(0).path("entitlement").asString())
            .isEqualTo("payments-approve");

        post(as(ADMIN), "/api/v1/holds/" + holdId + "/reject", "{\"note\": \"no approver rights for clerks\"}", 200);
        post(as(ADMIN), "/api/v1/holds/" + holdId + "/approve", "{}", 409);
        settled();
        assertThat(groups(id)).doesNotContain("payments-approve");
    }

    @Test
    void previewShowsWhatAChangeWouldDoAndChangesNothing() throws Exception {
        String id = newId();
        push(id, "Finance", "employee", "Analyst", "CC-1");
        long before = provisioning.operations(id, 500).size();

        JsonNode preview = post(as(ADMIN), "/api/v1/preview", """
            {"events": [{"employeeNumber": "%s", "changes": {"department": "Engineering"}},
                        {"employeeNumber": "%s", "changes": {"startDate": "31.12.2026"}}]}""".formatted(id, id), 200);

        assertThat(preview.path("refused").get(0).path("error").asString()).contains("31.12.2026");
        JsonNode plan = preview.path("plans").get(0).path("plan");
        assertThat(plan.path("identity").asString()).isEqualTo(id);
        assertThat(plan.path("operations").toString())
            .contains("REMOVE_ENTITLEMENT").contains("finance-reports").contains("no rule grants it any more")
            .contains("\"entitlement\":\"eng\"").contains("granted by rule 'engineering'");
        // nothing happened
        assertThat(provisioning.operations(id, 500)).hasSize((int) before);
        assertThat(groups(id)).contains("finance-reports").doesNotContain("eng");
        assertThat(as(ADMIN).get("/api/v1/identities/" + id).json().path("worker").path("department").asString())
            .isEqualTo("Finance");
        assertThat(as(ADMIN).get("/api/v1/reviews").status()).isNotEqualTo(500);
    }
}
