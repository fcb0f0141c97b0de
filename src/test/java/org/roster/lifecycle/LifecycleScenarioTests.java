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
        assertThat(leaver.late()).isNotNull().isGreaterThan(Duration.ofDays(2));
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

    @Test
    void everyPlannedOperationReachesTheTarget() {
        await().atMost(Duration.ofSeconds(10)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
        assertThat(provisioning.count(OutboxEntry.Status.DEAD)).isZero();
    }

}
