package org.roster.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.RosterProcess;

/**
 * The tokens that work are the ones configured now: a rotated {@code ROSTER_BOOTSTRAP_TOKEN} or a
 * named token removed from the configuration stops working at the next start, on the same store.
 */
class TokenRotationTests {

    private static final String OLD = "old-bootstrap-token-0123456789";
    private static final String NEW = "new-bootstrap-token-0123456789";
    private static final String AUDITOR = "auditor-token-0123456789abcdef";

    @Test
    void aRotatedBootstrapTokenAndARemovedNamedTokenStopWorkingAfterRestart() throws Exception {
        Path dir = RosterProcess.workDir("token-rotation");
        String store = "jdbc:h2:file:" + dir.resolve("store/roster") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        Path config = dir.resolve("roster.yml");
        int port = RosterProcess.freePort();
        Files.writeString(config, config(store, true));
        try (RosterProcess first = RosterProcess.start(config, port, Map.of("ROSTER_BOOTSTRAP_TOKEN", OLD,
                "AUDITOR_TOKEN", AUDITOR), "first.log")) {
            assertThat(new Api(first.baseUrl(), OLD).get("/api/v1/identities").status()).isEqualTo(200);
            assertThat(new Api(first.baseUrl(), AUDITOR).get("/api/v1/identities").status()).isEqualTo(200);
        }

        Files.writeString(config, config(store, false));
        try (RosterProcess second = RosterProcess.start(config, port, Map.of("ROSTER_BOOTSTRAP_TOKEN", NEW), "second.log")) {
            assertThat(new Api(second.baseUrl(), OLD).get("/api/v1/identities").status()).isEqualTo(401);
            assertThat(new Api(second.baseUrl(), AUDITOR).get("/api/v1/identities").status()).isEqualTo(401);
            assertThat(new Api(second.baseUrl(), NEW).get("/api/v1/identities").status()).isEqualTo(200);
            assertThat(Files.readString(second.log())).contains("2 API token(s) no longer configured were revoked")
                .doesNotContain(OLD).doesNotContain(NEW);
        }
    }

    private static String config(String store, boolean auditor) {
        return """
            roster:
              store:
                url: "%s"
              demo:
                enabled: false
              provisioning:
                targets:
                  - name: directory
                    type: memory
            %s""".formatted(store, auditor ? """
              api:
                tokens:
                  - name: auditor
                    token: ${AUDITOR_TOKEN}
                    roles: [auditor]
            """ : "");
    }
}
