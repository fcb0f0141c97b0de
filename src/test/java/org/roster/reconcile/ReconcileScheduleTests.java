package org.roster.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Scheduled reconciliation runs on its cron, in the target's mode; bad schedules stop Roster with the key. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + ReconcileScheduleTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:reconcile-schedule;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.reconcile.targets.directory.mode=mend",
    "roster.reconcile.targets.directory.schedule=*/2 * * * * *"})
class ReconcileScheduleTests {

    static final String TOKEN = "reconcile-schedule-token-01234567";

    @LocalServerPort
    int port;

    @Test
    void aScheduledRunHappensOnItsCronInTheTargetsMode() {
        Api api = new Api("http://127.0.0.1:" + port, TOKEN);
        JsonNode[] runs = new JsonNode[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            runs[0] = api.get("/api/v1/reconciliations?target=directory").json().path("items");
            return runs[0].size() >= 1 && !"RUNNING".equals(runs[0].get(runs[0].size() - 1).path("status").asString());
        });
        JsonNode first = runs[0].get(runs[0].size() - 1);
        assertThat(first.path("actor").asString()).isEqualTo("schedule");
        assertThat(first.path("mode").asString()).isEqualTo("MEND");
        assertThat(first.path("status").asString()).isEqualTo("FINISHED");
        // on demand it can be asked in report mode; an unknown target or mode is refused naming the field
        assertThat(api.send("POST", "/api/v1/reconciliations", "application/json", "{\"target\": \"nope\"}").json()
            .path("field").asString()).isEqualTo("target");
        Api.Response badMode = api.send("POST", "/api/v1/reconciliations", "application/json",
            "{\"target\": \"directory\", \"mode\": \"fix\"}");
        assertThat(badMode.status()).isEqualTo(400);
        assertThat(badMode.json().path("field").asString()).isEqualTo("mode");
        assertThat(api.get("/api/v1/reconciliations/no-such-run").status()).isEqualTo(404);
    }

    @Test
    void aScheduleThatIsNotCronIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> new ReconcileSettings(null, null,
            Map.of("wiki", new ReconcileSettings.Target(null, "every night"))))
            .hasMessageContaining("roster.reconcile.targets.wiki.schedule").hasMessageContaining("cron");
        assertThatThrownBy(() -> new ReconcileSettings(0, null, null)).hasMessageContaining("roster.reconcile.page-size");
    }
}
