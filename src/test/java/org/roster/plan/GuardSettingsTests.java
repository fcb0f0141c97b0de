package org.roster.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each combination of default, source and target limits means what docs/configuration.md says. */
class GuardSettingsTests {

    private static final long POPULATION = 1_000;

    private static GuardSettings settings(Map<String, GuardSettings.Limit> sources, Map<String, GuardSettings.Limit> targets) {
        return new GuardSettings(true, null, 500, 20.0, 10, sources, targets);
    }

    @Test
    void withNoOverrideTheDefaultsApply() {
        assertThat(settings(Map.of(), Map.of()).limit("scim", "directory", POPULATION)).isEqualTo(200);
    }

    @Test
    void aSourceLimitAloneAppliesEvenAboveTheDefault() {
        GuardSettings g = settings(Map.of("scim", new GuardSettings.Limit(null, null, 300)), Map.of());

        assertThat(g.limit("scim", "directory", POPULATION)).isEqualTo(300);
        assertThat(g.limit("hr", "directory", POPULATION)).as("another source keeps the defaults").isEqualTo(200);
    }

    @Test
    void aTargetLimitAloneApplies() {
        GuardSettings g = settings(Map.of(), Map.of("directory", new GuardSettings.Limit(50, null, null)));

        assertThat(g.limit("scim", "directory", POPULATION)).isEqualTo(50);
        assertThat(g.limit("scim", "crm", POPULATION)).isEqualTo(200);
    }

    @Test
    void withBothTheLowerApplies() {
        GuardSettings g = settings(Map.of("scim", new GuardSettings.Limit(null, null, 300)),
            Map.of("directory", new GuardSettings.Limit(null, 25.0, null)));

        assertThat(g.limit("scim", "directory", POPULATION)).isEqualTo(250);
    }

    @Test
    void whatALimitLeavesOutComesFromTheDefaults() {
        GuardSettings g = settings(Map.of("scim", new GuardSettings.Limit(null, 1.0, null)), Map.of());

        assertThat(g.limit("scim", "directory", POPULATION)).as("1 %% of 1 000, raised to the default floor").isEqualTo(10);
    }
}
