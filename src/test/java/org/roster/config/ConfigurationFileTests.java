package org.roster.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roster.RosterApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.roster.policy.PolicySettings;
import org.roster.provisioning.ProvisioningSettings;
import org.roster.provisioning.TargetSettings;

/** roster.yml, named by ROSTER_CONFIG: read over the defaults, secrets only as references. */
class ConfigurationFileTests {

    @TempDir
    Path dir;

    private ConfigurableApplicationContext start(String yaml, String... args) throws Exception {
        Path file = dir.resolve("roster.yml");
        Files.writeString(file, yaml);
        String[] all = new String[args.length + 2];
        all[0] = "--ROSTER_CONFIG=" + file;
        all[1] = "--server.port=0";
        System.arraycopy(args, 0, all, 2, args.length);
        return new SpringApplicationBuilder(RosterApplication.class).run(all);
    }

    private static final String FILE = """
        roster:
          store:
            url: jdbc:h2:mem:config-%s;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE
            password: %s
          provisioning:
            targets:
              - name: apps
                type: memory
          policy:
            rules:
              - name: apps-account
                when: "true"
                grants:
                  - target: apps
        """;

    @Test
    void literalSecretInTheFileStopsStartUpNamingTheKey() {
        assertThatThrownBy(() -> start(FILE.formatted("literal", "hunter2-in-clear")).close())
            .satisfies(e -> {
                Throwable root = e;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                assertThat(root.getMessage()).contains("roster.store.password").contains("${ENV_VAR}")
                    .doesNotContain("hunter2");
            });
    }

    @Test
    void fileReplacesTheDemoTargetsAndPolicyAndSecretsComeFromTheEnvironment() throws Exception {
        try (ConfigurableApplicationContext ctx = start(FILE.formatted("reference", "\"${TEST_DB_PASSWORD:}\""))) {
            assertThat(ctx.getBean(ProvisioningSettings.class).targets()).extracting(TargetSettings::name)
                .containsExactly("apps");
            assertThat(ctx.getBean(PolicySettings.class).rules()).extracting(PolicySettings.Rule::name)
                .containsExactly("apps-account");
            assertThat(ctx.getBean(org.roster.hr.HrRecords.class).count())
                .as("no demo data when a configuration file is given").isZero();
        }
    }
}
