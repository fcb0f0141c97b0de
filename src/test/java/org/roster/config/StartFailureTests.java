package org.roster.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.roster.support.RosterProcess;

/** A start Roster refuses says why in a few lines, naming the key and what to do, with no stack trace. */
class StartFailureTests {

    @Test
    void aShortTokenAClearTextSecretAndAnUnreachableTargetAreEachSaidInAFewLines() throws Exception {
        Path dir = RosterProcess.workDir("start-failures");
        String base = """
            roster:
              store:
                url: "jdbc:h2:mem:start-failure;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"
              demo:
                enabled: false
              provisioning:
                targets:
                  - name: directory
            """;
        Path memory = dir.resolve("memory.yml");
        Files.writeString(memory, base + "        type: memory\n");
        Path clearText = dir.resolve("clear-text.yml");
        Files.writeString(clearText, base + """
                    type: ldap
                    ldap:
                      url: ldap://127.0.0.1:1
                      bind-dn: cn=admin
                      bind-password: hunter2-in-clear
                      base-dn: dc=example,dc=com
            """);
        Path unreachable = dir.resolve("unreachable.yml");
        Files.writeString(unreachable, base + """
                    type: ldap
                    ldap:
                      url: ldap://127.0.0.1:%d
                      bind-dn: cn=admin
                      bind-password: ${LDAP_PASSWORD}
                      base-dn: dc=example,dc=com
            """.formatted(RosterProcess.freePort()));

        Path saslInClear = dir.resolve("sasl.yml");
        Files.writeString(saslInClear, base + """
                    type: memory
              cluster:
                enabled: true
                kafka:
                  bootstrap-servers: 127.0.0.1:1
                  properties:
                    sasl.jaas.config: "org.apache.kafka.common.security.plain.PlainLoginModule required password=hunter2;"
            """);
        Path kafkaAlone = dir.resolve("kafka-alone.yml");
        Files.writeString(kafkaAlone, base + """
                    type: memory
              cluster:
                kafka:
                  bootstrap-servers: 127.0.0.1:1
            """);
        assertRefused(saslInClear, Map.of("ROSTER_BOOTSTRAP_TOKEN", "start-failure-token-0123456789"), "sasl.log",
            "is a secret in clear text");
        assertRefused(kafkaAlone, Map.of("ROSTER_BOOTSTRAP_TOKEN", "start-failure-token-0123456789"), "kafka-alone.log",
            "roster.cluster.kafka: needs roster.cluster.enabled: true");
        Path kafkaOnH2 = dir.resolve("kafka-h2.yml");
        Files.writeString(kafkaOnH2, base + """
                    type: memory
              cluster:
                enabled: true
                kafka:
                  bootstrap-servers: 127.0.0.1:1
            """);
        assertRefused(kafkaOnH2, Map.of("ROSTER_BOOTSTRAP_TOKEN", "start-failure-token-0123456789"), "kafka-h2.log",
            "roster.cluster.kafka: needs PostgreSQL as the store");

        Path misspelled = dir.resolve("misspelled.yml");
        Files.writeString(misspelled, base + "        type: memory\n  provisoning:\n    targets: []\n");
        assertRefused(misspelled, Map.of("ROSTER_BOOTSTRAP_TOKEN", "start-failure-token-0123456789"), "misspelled.log",
            "'roster.provisoning' is not a section Roster reads");
        assertRefused(memory, Map.of("ROSTER_BOOTSTRAP_TOKEN", "short"), "short.log",
            "Roster did not start: ROSTER_BOOTSTRAP_TOKEN: an API token must be at least 16 characters");
        assertRefused(clearText, Map.of("ROSTER_BOOTSTRAP_TOKEN", "start-failure-token-0123456789"), "clear.log",
            "is a secret in clear text");
        assertRefused(unreachable, Map.of("ROSTER_BOOTSTRAP_TOKEN", "start-failure-token-0123456789",
            "LDAP_PASSWORD", "x"), "unreachable.log", "target 'directory': cannot connect to ldap://127.0.0.1:");
    }

    private static void assertRefused(Path config, Map<String, String> env, String logName, String says) throws Exception {
        assertThatThrownBy(() -> RosterProcess.start(config, RosterProcess.freePort(), env, logName))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("Roster exited");
        String log = Files.readString(config.getParent().resolve(logName));
        assertThat(log).contains(says).contains("Action:");
        assertThat(log).as("no stack trace").doesNotContain("\tat org.").doesNotContain("Caused by:");
    }
}
