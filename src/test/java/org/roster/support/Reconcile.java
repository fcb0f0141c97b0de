package org.roster.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Runs a reconciliation through the REST API as a user would: start it, follow it, read its findings. */
public final class Reconcile {

    private Reconcile() {
    }

    /** The finished run, with every finding under {@code findings}. */
    public static ObjectNode run(Api api, String target, @Nullable String mode) {
        Api.Response started = api.send("POST", "/api/v1/reconciliations", "application/json",
            "{\"target\": \"" + target + "\"" + (mode == null ? "" : ", \"mode\": \"" + mode + "\"") + "}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String id = started.json().path("id").asString();
        JsonNode[] run = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            run[0] = api.get("/api/v1/reconciliations/" + id).json();
            return !"RUNNING".equals(run[0].path("status").asString());
        });
        ObjectNode result = (ObjectNode) run[0];
        ArrayNode all = result.putArray("findings");
        String after = "";
        while (after != null) {
            JsonNode page = api.get("/api/v1/reconciliations/" + id + "/findings?size=500"
                + (after.isEmpty() ? "" : "&after=" + after)).json();
            page.path("items").forEach(all::add);
            after = page.path("next").isString() ? page.path("next").asString() : null;
        }
        return result;
    }
}
