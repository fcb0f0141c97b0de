package org.roster.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.roster.RosterApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** A policy that does not compile, or grants on a target that does not exist, stops start-up. */
class PolicyStartupTests {

    /** Starts Roster with these properties as command-line arguments, which override the embedded defaults. */
    private static void start(String... properties) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
            "--server.port=0", "--roster.demo.enabled=false",
            "--roster.store.url=jdbc:h2:mem:startup-" + System.nanoTime() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
            "--roster.provisioning.targets[0].name=directory", "--roster.provisioning.targets[0].type=memory"));
        for (String p : properties) {
            args.add("--" + p);
        }
        new SpringApplicationBuilder(RosterApplication.class).run(args.toArray(String[]::new)).close();
    }

    @Test
    void ruleThatDoesNotCompileStopsStartUpNamingRuleExpressionAndError() {
        assertThatThrownBy(() -> start(
            "roster.policy.rules[0].name=finance-group",
            "roster.policy.rules[0].when=worker.department = 'Finance'",
            "roster.policy.rules[0].grants[0].target=directory"))
            .satisfies(e -> assertThat(policyFailure(e))
                .contains("finance-group")
                .contains("worker.department = 'Finance'")
                .contains("does not compile"));
    }

    @Test
    void grantOnAnUnknownTargetStopsStartUp() {
        assertThatThrownBy(() -> start(
            "roster.policy.rules[0].name=crm-access",
            "roster.policy.rules[0].when=true",
            "roster.policy.rules[0].grants[0].target=crm"))
            .satisfies(e -> assertThat(policyFailure(e))
                .contains("crm").contains("directory"));
    }

    private static String policyFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PolicyException) {
                return t.getMessage();
            }
        }
        throw new AssertionError("start-up did not fail on the policy", e);
    }

    @Test
    void validPolicyStarts() {
        start("roster.policy.rules[0].name=ok", "roster.policy.rules[0].when=true",
            "roster.policy.rules[0].grants[0].target=directory");
    }
}
