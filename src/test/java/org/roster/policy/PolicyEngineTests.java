package org.roster.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.roster.support.TestWorkers.worker;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.roster.hr.WorkerType;

class PolicyEngineTests {

    private static PolicySettings settings(List<PolicySettings.Rule> rules) {
        return new PolicySettings(null, rules, null, null, null, null, null, null);
    }

    private static PolicySettings.Rule rule(String name, String when, PolicySettings.Grant... grants) {
        return new PolicySettings.Rule(name, when, List.of(grants));
    }

    private static PolicySettings.Grant group(String target, String entitlement) {
        return new PolicySettings.Grant(target, entitlement, null);
    }

    @Test
    void matchingRulesGrantTheUnionOfTheirEntitlementsWithTheirNames() {
        PolicyEngine engine = new PolicyEngine(settings(List.of(
            rule("employees", "worker.workerType == 'employee'", group("dir", "employees")),
            rule("contractors", "worker.workerType == 'contractor'", group("dir", "contractors")),
            rule("dept", "worker.department != ''", new PolicySettings.Grant("dir", null,
                "'dept-' + worker.department.lowerAscii()")))));

        PolicyDecision decision = engine.evaluate(worker().department("Finance").build().attributes(), "ACTIVE");

        assertThat(decision.grants()).containsExactly(
            new Grant("dir", "employees", "employees"),
            new Grant("dir", "dept-finance", "dept"));
        assertThat(decision.policyVersion()).isEqualTo(engine.version()).hasSize(12);
    }

    @Test
    void expressionMayReturnAListAndEmptyStringsAreDropped() {
        PolicyEngine engine = new PolicyEngine(settings(List.of(
            rule("many", "true", new PolicySettings.Grant("dir", null, "['a', worker.costCenter, '']")))));

        assertThat(engine.evaluate(worker().costCenter("CC-9").build().attributes(), "ACTIVE").grants())
            .extracting(Grant::entitlement).containsExactly("a", "CC-9");
    }

    @Test
    void lifecycleStateIsVisibleToConditions() {
        PolicyEngine engine = new PolicyEngine(settings(List.of(
            rule("only-active", "state == 'ACTIVE'", group("dir", "vpn")))));

        assertThat(engine.evaluate(worker().build().attributes(), "ACTIVE").grants()).hasSize(1);
        assertThat(engine.evaluate(worker().build().attributes(), "ON_LEAVE").grants()).isEmpty();
    }

    @Test
    void ruleThatDoesNotCompileIsRefusedWithItsNameExpressionAndCompilerMessage() {
        PolicySettings settings = settings(List.of(
            rule("broken-rule", "worker.department == ", group("dir", "x"))));

        assertThatThrownBy(() -> new PolicyEngine(settings))
            .isInstanceOf(PolicyException.class)
            .hasMessageContaining("broken-rule")
            .hasMessageContaining("worker.department == ")
            .hasMessageContaining("does not compile");
    }

    @Test
    void conditionThatIsNotBooleanIsRefused() {
        PolicySettings settings = settings(List.of(rule("not-bool", "'always'", group("dir", "x"))));

        assertThatThrownBy(() -> new PolicyEngine(settings)).hasMessageContaining("not-bool");
    }

    @Test
    void conditionOnAnAttributeThatIsNotBooleanFailsAtEvaluationNamingTheRule() {
        // worker attributes are dynamically typed, so only evaluation can tell
        PolicyEngine engine = new PolicyEngine(settings(List.of(
            rule("dyn-not-bool", "worker.department", group("dir", "x")))));

        assertThatThrownBy(() -> engine.evaluate(worker().build().attributes(), "ACTIVE"))
            .isInstanceOf(PolicyException.class).hasMessageContaining("dyn-not-bool").hasMessageContaining("boolean");
    }

    @Test
    void unknownVariableIsRefused() {
        PolicySettings settings = settings(List.of(rule("typo", "wrker.department == 'x'", group("dir", "x"))));

        assertThatThrownBy(() -> new PolicyEngine(settings)).hasMessageContaining("typo").hasMessageContaining("wrker");
    }

    @Test
    void duplicateRuleNamesAreRefused() {
        PolicySettings settings = settings(List.of(rule("same", "true"), rule("same", "false")));

        assertThatThrownBy(() -> new PolicyEngine(settings)).hasMessageContaining("'same'").hasMessageContaining("twice");
    }

    @Test
    void expressionReturningANumberFailsNamingTheRule() {
        PolicyEngine engine = new PolicyEngine(settings(List.of(
            rule("numeric", "true", new PolicySettings.Grant("dir", null, "42")))));

        assertThatThrownBy(() -> engine.evaluate(worker().type(WorkerType.INTERN).build().attributes(), "ACTIVE"))
            .isInstanceOf(PolicyException.class).hasMessageContaining("numeric");
    }

    @Test
    void aDecisionIsMadeOncePerCombinationOfTheFieldsTheRulesRead() {
        Policy p = Policy.compile(settings(List.of(
            rule("dept", "worker.department != '' && 'title' in worker", new PolicySettings.Grant("dir", null,
                "'dept-' + worker['department'].lowerAscii()")),
            rule("contractors", "worker.workerType == 'contractor'", group("dir", "contractors")))), "test");
        assertThat(p.reads()).containsExactly("department", "title", "workerType");

        PolicyDecision first = p.evaluate(worker().employeeNumber("1").department("Finance").title("Clerk").build()
            .attributes(), "ACTIVE");
        PolicyDecision second = p.evaluate(worker().employeeNumber("2").department("Finance").title("Clerk").build()
            .attributes(), "ACTIVE");
        PolicyDecision other = p.evaluate(worker().employeeNumber("3").department("Legal").title("Clerk").build()
            .attributes(), "ACTIVE");
        assertThat(second).as("same department, title and type: the same decision, not evaluated again").isSameAs(first);
        assertThat(other.grants()).extracting(Grant::entitlement).containsExactly("dept-legal");
        assertThat(p.evaluate(worker().employeeNumber("1").department("Finance").title("Clerk").build().attributes(),
            "TERMINATED")).as("the state is part of the key").isNotSameAs(first);

        Policy whole = Policy.compile(settings(List.of(rule("any", "size(worker) > 3", group("dir", "all")))), "test");
        assertThat(whole.reads()).as("a rule that reads the worker whole: no memo").isEmpty();
        assertThat(whole.evaluate(worker().build().attributes(), "ACTIVE").grants()).hasSize(1);
    }
}
