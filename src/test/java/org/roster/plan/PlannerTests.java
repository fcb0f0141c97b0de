package org.roster.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTests {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final Map<String, String> ATTRS = Map.of("userName", "ada", "employeeNumber", "E1");

    private static Plan plan(List<Planner.Desired> desired, List<AccountSnapshot> known, boolean revocation) {
        return Planner.plan("E1", desired, known, "TEST", revocation, "evt", NOW, NOW, "v1", "test");
    }

    private static Planner.Desired wants(String... entitlements) {
        Map<String, String> e = new java.util.TreeMap<>();
        for (String s : entitlements) {
            e.put(s, "rule-" + s);
        }
        return new Planner.Desired("dir", true, ATTRS, e);
    }

    private static AccountSnapshot has(boolean enabled, String... entitlements) {
        return new AccountSnapshot("dir", "E1", enabled, ATTRS, Set.of(entitlements));
    }

    @Test
    void joinerGetsAccountCreatedBeforeEntitlementsAreAdded() {
        Plan plan = plan(List.of(wants("staff", "dept-eng")), List.of(), false);

        assertThat(plan.operations()).extracting(Operation::describe)
            .containsExactly("CREATE dir", "ADD_ENTITLEMENT dir dept-eng", "ADD_ENTITLEMENT dir staff");
        assertThat(plan.operations().get(1).reason()).contains("rule-dept-eng");
        assertThat(plan.operations()).noneMatch(Operation::priority);
    }

    @Test
    void moverLosesOldPositionAccessBeforeGainingTheNew() {
        Plan plan = plan(List.of(wants("staff", "dept-eng")), List.of(has(true, "staff", "dept-sales")), false);

        assertThat(plan.operations()).extracting(Operation::describe)
            .containsExactly("REMOVE_ENTITLEMENT dir dept-sales", "ADD_ENTITLEMENT dir dept-eng");
    }

    @Test
    void leaverIsDisabledFirstThenStrippedAllInThePriorityLane() {
        Plan plan = plan(List.of(), List.of(has(true, "staff", "dept-eng")), true);

        assertThat(plan.operations()).extracting(Operation::describe)
            .containsExactly("DISABLE dir", "REMOVE_ENTITLEMENT dir dept-eng", "REMOVE_ENTITLEMENT dir staff");
        assertThat(plan.operations()).allMatch(Operation::priority);
    }

    @Test
    void disablesOnEveryTargetPrecedeAnyRemoval() {
        AccountSnapshot a = new AccountSnapshot("a", "E1", true, ATTRS, Set.of("x"));
        AccountSnapshot b = new AccountSnapshot("b", "E1", true, ATTRS, Set.of("y"));

        Plan plan = plan(List.of(), List.of(a, b), true);

        assertThat(plan.operations()).extracting(Operation::describe)
            .containsExactly("DISABLE a", "DISABLE b", "REMOVE_ENTITLEMENT a x", "REMOVE_ENTITLEMENT b y");
    }

    @Test
    void rehiredWorkerIsEnabledAndGetsOnlyWhatPolicyGrantsNow() {
        Plan plan = plan(List.of(wants("staff")), List.of(has(false)), false);

        assertThat(plan.operations()).extracting(Operation::describe)
            .containsExactly("ENABLE dir", "ADD_ENTITLEMENT dir staff");
    }

    @Test
    void changedAttributesBecomeOneUpdateWithOnlyTheChanges() {
        Planner.Desired desired = new Planner.Desired("dir", true,
            Map.of("userName", "ada", "employeeNumber", "E1", "title", "Lead"), Map.of());

        Plan plan = plan(List.of(desired), List.of(has(true)), false);

        assertThat(plan.operations()).singleElement().satisfies(op -> {
            assertThat(op.kind()).isEqualTo(OperationKind.UPDATE);
            assertThat(op.attributes()).isEqualTo(Map.of("title", "Lead"));
        });
    }

    @Test
    void nothingToDoWhenKnownStateMatches() {
        assertThat(plan(List.of(wants("staff")), List.of(has(true, "staff")), false).operations()).isEmpty();
    }

    @Test
    void alreadyDisabledLeaverWithoutEntitlementsNeedsNothing() {
        assertThat(plan(List.of(), List.of(has(false)), true).operations()).isEmpty();
    }

    @Test
    void suspensionDisablesAndKeepsEntitlements() {
        Planner.Desired suspended = new Planner.Desired("dir", false, ATTRS, Map.of("staff", "rule-staff"));

        Plan plan = plan(List.of(suspended), List.of(has(true, "staff")), false);

        assertThat(plan.operations()).extracting(Operation::describe).containsExactly("DISABLE dir");
    }

    @Test
    void suspendedWorkerWithoutAccountGetsNone() {
        Planner.Desired suspended = new Planner.Desired("dir", false, ATTRS, Map.of("staff", "rule-staff"));

        assertThat(plan(List.of(suspended), List.of(), false).operations()).isEmpty();
    }
}
