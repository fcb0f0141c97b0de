package org.roster.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.types.UserResource;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.roster.hr.ScimSchemas;
import org.roster.lifecycle.internal.LifecycleScheduler;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.support.MutableClock;
import org.roster.support.ScimClients;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every lifecycle case, driven as an HR system drives Roster (SCIM) with a clock the test moves,
 * asserting the identity's final state and the exact operations planned. Demo policy: an account on
 * {@code directory} for everyone, {@code employees} or {@code contractors}, and {@code dept-<department>}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + LifecycleScenarioTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:lifecycle-scenarios;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.lifecycle.access-lead-time=12h",
    "roster.lifecycle.immediate-termination-reasons=misconduct,security"})
class LifecycleScenarioTests {

    static final String TOKEN = "lifecycle-token-0123456789abcdef";
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock testClock() {
            return CLOCK;
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    Lifecycle lifecycle;
    @Autowired
    Provisioning provisioning;
    @Autowired
    LifecycleScheduler scheduler;

    private ScimService scim;

    @BeforeEach
    void client() {
        scim = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
    }

    private static LocalDate today() {
        return LocalDate.ofInstant(CLOCK.instant(), ZoneOffset.UTC);
    }

    private static String newId() {
        return "L" + UUID.randomUUID().toString().substring(0, 8);
    }

    private UserResource push(String id, String department, String type, String... workerFields) throws Exception {
        UserResource u = ScimClients.user(id, "u" + id.toLowerCase(java.util.Locale.ROOT), department, type, null);
        ObjectNode worker = (ObjectNode) u.getExtensionValues(ScimSchemas.WORKER).get(0);
        for (int i = 0; i < workerFields.length; i += 2) {
            worker.put(workerFields[i], workerFields[i + 1]);
        }
        u.replaceExtensionValue(ScimSchemas.WORKER, worker);
        return scim.create("Users", u);
    }

    private void patchWorker(UserResource u, String... fields) throws Exception {
        var request = scim.modifyRequest("Users", u.getId());
        for (int i = 0; i < fields.length; i += 2) {
            request.replaceValue(ScimSchemas.WORKER + ":" + fields[i], fields[i + 1]);
        }
        request.invoke(UserResource.class);
    }

    /** Operations planned for the identity, oldest first. */
    private List<String> ops(String id) {
        List<String> all = new ArrayList<>(provisioning.operations(id, 500).stream()
            .map(o -> o.operation().describe()).toList());
        Collections.reverse(all);
        return all;
    }

    /** Operations planned for the identity since {@code before} of them existed. */
    private List<String> opsSince(String id, int before) {
        List<String> all = ops(id);
        return all.subList(before, all.size());
    }

    private LifecycleState state(String id) {
        return lifecycle.find(id).orElseThrow().state();
    }

    private Transition last(String id) {
        List<Transition> history = lifecycle.history(id);
        return history.get(history.size() - 1);
    }

    /** Moves the clock and lets the scheduler fire what fell due. */
    private void timePasses(Instant to, String id, LifecycleState expected) {
        CLOCK.set(to);
        scheduler.wake();
        await().atMost(Duration.ofSeconds(10)).until(() -> state(id) == expected);
    }

    @Test
    void preHireGetsAccessAtTheStartDateLessTheLeadTime() throws Exception {
        String id = newId();
        LocalDate start = today().plusDays(7);

        push(id, "Sales", "employee", "startDate", start.toString(), "timeZone", "Europe/Paris");

        assertThat(state(id)).isEqualTo(LifecycleState.PRE_HIRE);
        assertThat(last(id).kind()).isEqualTo(TransitionKind.PRE_HIRE);
        assertThat(ops(id)).isEmpty();
        Instant access = start.atStartOfDay(java.time.ZoneId.of("Europe/Paris")).toInstant().minus(Duration.ofHours(12));
        assertThat(lifecycle.scheduledChange(id)).contains(access);

        timePasses(access, id, LifecycleState.ACTIVE);

        assertThat(last(id).kind()).isEqualTo(TransitionKind.JOINER);
        assertThat(last(id).effectiveAt()).isEqualTo(access);
        assertThat(ops(id)).containsExactly("CREATE directory", "ADD_ENTITLEMENT directory dept-sales",
            "ADD_ENTITLEMENT directory employees");
    }

    @Test
    void futureDatedTerminationActsAtTheEndOfTheLastDayInTheWorkersZone() throws Exception {
        String id = newId();
        UserResource u = push(id, "Sales", "employee", "timeZone", "America/New_York");
        int before = ops(id).size();
        LocalDate lastDay = today().plusDays(4);

        patchWorker(u, "employmentStatus", "terminated", "endDate", lastDay.toString());

        assertThat(state(id)).isEqualTo(LifecycleState.ACTIVE);
        assertThat(last(id).kind()).isEqualTo(TransitionKind.UPDATE);
        assertThat(opsSince(id, before)).isEmpty();
        Instant end = lastDay.plusDays(1).atStartOfDay(java.time.ZoneId.of("America/New_York")).toInstant();
        assertThat(lifecycle.scheduledChange(id)).contains(end);

        timePasses(end, id, LifecycleState.TERMINATED);

        Transition leaver = last(id);
        assertThat(leaver.kind()).isEqualTo(TransitionKind.LEAVER);
        assertThat(leaver.effectiveAt()).isEqualTo(end);
        assertThat(leaver.late()).isNull();
        assertThat(opsSince(id, before)).containsExactly("DISABLE directory",
            "REMOVE_ENTITLEMENT directory dept-sales", "REMOVE_ENTITLEMENT directory employees");
        assertThat(provisioning.operations(id, 3)).allMatch(o -> o.operation().priority());
    }

    @Test
    void retroDatedTerminationActsAtOnceAndIsFlaggedLate() throws Exception {
        String id = newId();
        UserResource u = push(id, "Finance", "employee");
        int before = ops(id).size();

        patchWorker(u, "employmentStatus", "terminated", "endDate", today().minusDays(3).toString());

        assertThat(state(id)).isEqualTo(LifecycleState.TERMINATED);
        Transition leaver = last(id);
        assertThat(leaver.kind()).isEqualTo(TransitionKind.LEAVER);
        // the last day ended two days ago at midnight: at least 48 h late (exactly, when another test
        // left the shared clock at a midnight)
        assertThat(leaver.late()).isNotNull().isGreaterThanOrEqualTo(Duration.ofDays(2));
        assertThat(leaver.changes()).anySatisfy(c -> assertThat(c).startsWith("late: effective"));
        assertThat(opsSince(id, before)).containsExactly("DISABLE directory",
            "REMOVE_ENTITLEMENT directory dept-finance", "REMOVE_ENTITLEMENT directory employees");
    }

    @Test
    void immediateTerminationReasonActsAtOnceDespiteAFutureEndDate() throws Exception {
        String id = newId();
        UserResource u = push(id, "Finance", "employee");

        patchWorker(u, "employmentStatus", "terminated", "endDate", today().plusDays(30).toString(),
            "terminationReason", "Misconduct");

        assertThat(state(id)).isEqualTo(LifecycleState.TERMINATED);
        assertThat(last(id).late()).isNull();
        assertThat(lifecycle.scheduledChange(id)).isEmpty();
        assertThat(ops(id)).endsWith("DISABLE directory", "REMOVE_ENTITLEMENT directory dept-finance",
            "REMOVE_ENTITLEMENT directory employees");
    }

    @Test
    void contractorEndDatePassingTerminatesAtThatInstant() throws Exception {
        String id = newId();
        LocalDate lastDay = today().plusDays(2);
        push(id, "Security", "contractor", "endDate", lastDay.toString());
        assertThat(ops(id)).containsExactly("CREATE directory", "ADD_ENTITLEMENT directory contractors",
            "ADD_ENTITLEMENT directory dept-security");

        timePasses(lastDay.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(), id, LifecycleState.TERMINATED);

        assertThat(last(id).kind()).isEqualTo(TransitionKind.LEAVER);
        assertThat(opsSince(id, 3)).containsExactly("DISABLE directory",
            "REMOVE_ENTITLEMENT directory contractors", "REMOVE_ENTITLEMENT directory dept-security");
    }

    @Test
    void leaveOfAbsenceSuspendsAndTheReturnRestores() throws Exception {
        String id = newId();
        UserResource u = push(id, "Sales", "employee");

        patchWorker(u, "employmentStatus", "leave");
        assertThat(state(id)).isEqualTo(LifecycleState.ON_LEAVE);
        assertThat(last(id).kind()).isEqualTo(TransitionKind.LEAVE_START);
        assertThat(opsSince(id, 3)).containsExactly("DISABLE directory");

        patchWorker(u, "employmentStatus", "active");
        assertThat(state(id)).isEqualTo(LifecycleState.ACTIVE);
        assertThat(last(id).kind()).isEqualTo(TransitionKind.LEAVE_RETURN);
        assertThat(opsSince(id, 4)).containsExactly("ENABLE directory");
    }

    @Test
    void rehireStartsANewEpochWithAccessRecomputedAndNothingResurrected() throws Exception {
        String id = newId();
        UserResource u = push(id, "Sales", "employee");
        patchWorker(u, "employmentStatus", "terminated");
        assertThat(state(id)).isEqualTo(LifecycleState.TERMINATED);
        int before = ops(id).size();

        scim.modifyRequest("Users", u.getId())
            .replaceValue(ScimSchemas.WORKER + ":employmentStatus", "active")
            .replaceValue(ScimSchemas.ENTERPRISE_USER + ":department", "Finance")
            .invoke(UserResource.class);

        assertThat(state(id)).isEqualTo(LifecycleState.ACTIVE);
        assertThat(lifecycle.find(id).orElseThrow().epoch()).isEqualTo(2);
        assertThat(last(id).kind()).isEqualTo(TransitionKind.REHIRE);
        assertThat(opsSince(id, before)).containsExactly("ENABLE directory", "UPDATE directory",
            "ADD_ENTITLEMENT directory dept-finance", "ADD_ENTITLEMENT directory employees");
    }

    @Test
    void conversionSwapsContractorAccessForEmployeeAccess() throws Exception {
        String id = newId();
        UserResource u = push(id, "Security", "contractor");

        patchWorker(u, "workerType", "employee");

        assertThat(last(id).kind()).isEqualTo(TransitionKind.CONVERSION);
        assertThat(last(id).changes()).containsExactly("workerType: contractor -> employee");
        assertThat(opsSince(id, 3)).containsExactly("REMOVE_ENTITLEMENT directory contractors",
            "ADD_ENTITLEMENT directory employees");

        patchWorker(u, "workerType", "contractor");
        assertThat(opsSince(id, 5)).containsExactly("REMOVE_ENTITLEMENT directory employees",
            "ADD_ENTITLEMENT directory contractors");
    }

    private org.roster.support.Api api() {
        return new org.roster.support.Api("http://127.0.0.1:" + port, TOKEN);
    }

    private String sponsor(String department) throws Exception {
        String id = newId();
        push(id, department, "employee");
        return id;
    }

    private String sponsored(String sponsor, LocalDate end) {
        org.roster.support.Api.Response r = api().send("POST", "/api/v1/sponsored-identities", "application/json",
            "{\"userName\": \"guest-" + UUID.randomUUID().toString().substring(0, 6) + "\", \"givenName\": \"Guest\","
                + " \"sponsor\": \"" + sponsor + "\", \"endDate\": \"" + end + "\", \"department\": \"Audit\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("employeeNumber").stringValue();
    }

    @Test
    void sponsoredIdentityGetsAccessThenEndsOnItsEndDate() throws Exception {
        String sponsor = sponsor("Finance");
        LocalDate end = today().plusDays(10);

        String guest = sponsored(sponsor, end);

        assertThat(state(guest)).isEqualTo(LifecycleState.ACTIVE);
        assertThat(api().get("/api/v1/identities/" + guest).json().path("worker").path("managerEmployeeNumber")
            .stringValue()).isEqualTo(sponsor);
        assertThat(ops(guest)).containsExactly("CREATE directory", "ADD_ENTITLEMENT directory contractors",
            "ADD_ENTITLEMENT directory dept-audit");

        timePasses(end.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(), guest, LifecycleState.TERMINATED);
        assertThat(opsSince(guest, 3)).startsWith("DISABLE directory");
    }

    @Test
    void sponsorLeavingSendsSponsoredIdentitiesToReviewAndTheyExpireAfterTheGracePeriod() throws Exception {
        String sponsor = sponsor("Finance");
        String guest = sponsored(sponsor, today().plusDays(60));
        UserResource sponsorUser = scim.searchRequest("Users").filter("userName eq \"u" + sponsor.toLowerCase(java.util.Locale.ROOT)
            + "\"").invoke(UserResource.class).getResources().get(0);

        patchWorker(sponsorUser, "employmentStatus", "terminated");

        var review = api().get("/api/v1/sponsored-identities/" + guest).json();
        assertThat(review.path("status").stringValue()).isEqualTo("REVIEW");
        assertThat(review.path("reviewReason").stringValue()).isEqualTo("sponsor " + sponsor + " left");
        Instant deadline = Instant.parse(review.path("reviewDeadline").stringValue());
        assertThat(deadline).as("now + the 7 days' grace, exactly").isEqualTo(CLOCK.instant().plus(Duration.ofDays(7))
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(lifecycle.scheduledChange(guest)).contains(deadline);
        assertThat(state(guest)).isEqualTo(LifecycleState.ACTIVE);
        timePasses(deadline.minusSeconds(1), guest, LifecycleState.ACTIVE);
        assertThat(api().get("/api/v1/sponsored-identities?status=REVIEW&size=500").json().toString()).contains(guest);

        timePasses(deadline, guest, LifecycleState.TERMINATED);
        assertThat(api().get("/api/v1/audit?identity=" + guest).json().toString()).contains("SPONSOR_REVIEW");
    }

    @Test
    void takingOverASponsorshipRestoresItsEndDate() throws Exception {
        String sponsor = sponsor("Finance");
        LocalDate end = today().plusDays(60);
        String guest = sponsored(sponsor, end);
        UserResource sponsorUser = scim.searchRequest("Users").filter("userName eq \"u" + sponsor.toLowerCase(java.util.Locale.ROOT)
            + "\"").invoke(UserResource.class).getResources().get(0);
        scim.modifyRequest("Users", sponsorUser.getId())
            .replaceValue(ScimSchemas.ENTERPRISE_USER + ":department", "Research").invoke(UserResource.class);
        Instant deadline = Instant.parse(api().get("/api/v1/sponsored-identities/" + guest).json()
            .path("reviewDeadline").stringValue());
        String successor = sponsor("Finance");

        var taken = api().send("POST", "/api/v1/sponsored-identities/" + guest + "/sponsor", "application/json",
            "{\"sponsor\": \"" + successor + "\"}");

        assertThat(taken.status()).as(taken.body()).isEqualTo(200);
        assertThat(taken.json().path("status").stringValue()).isEqualTo("ACTIVE");
        assertThat(lifecycle.scheduledChange(guest)).contains(end.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        CLOCK.set(deadline.plusSeconds(60));
        scheduler.wake();
        assertThat(state(guest)).isEqualTo(LifecycleState.ACTIVE);
    }

    @Test
    void sponsorshipNeedsAnActiveHrSponsorAndABoundedEndDate() throws Exception {
        String sponsor = sponsor("Finance");
        var noSponsor = api().send("POST", "/api/v1/sponsored-identities", "application/json",
            "{\"userName\": \"g-x\", \"sponsor\": \"NOBODY\", \"endDate\": \"" + today().plusDays(5) + "\"}");
        var tooLong = api().send("POST", "/api/v1/sponsored-identities", "application/json",
            "{\"userName\": \"g-y\", \"sponsor\": \"" + sponsor + "\", \"endDate\": \"" + today().plusYears(3) + "\"}");

        assertThat(noSponsor.status()).isEqualTo(400);
        assertThat(noSponsor.json().path("field").stringValue()).isEqualTo("sponsor");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().path("field").stringValue()).isEqualTo("endDate");
    }

    @Test
    void everyPlannedOperationReachesTheTarget() {
        await().atMost(Duration.ofSeconds(10)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
        assertThat(provisioning.count(OutboxEntry.Status.DEAD)).isZero();
    }

}
