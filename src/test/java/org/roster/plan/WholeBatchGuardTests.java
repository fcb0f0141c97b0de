package org.roster.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.provisioning.TargetAccount;
import org.roster.provisioning.memory.InMemoryConnector;
import org.roster.provisioning.memory.InMemoryConnectorFactory;
import org.roster.support.Api;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A batch known in full (a SCIM {@code /Bulk} request, a webhook delivery, a snapshot file) is judged
 * whole by the safety guard: above the limit every disable it causes is held in one hold, nothing
 * sent; within it, all go. A limit set for a source alone is that source's limit.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + WholeBatchGuardTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:whole-batch;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.hr.sources[0].name=workday",
    "roster.hr.sources[0].type=webhook",
    "roster.hr.sources[0].secret=" + WholeBatchGuardTests.SECRET,
    "roster.hr.sources[1].name=feed",
    "roster.hr.sources[1].type=snapshot",
    "roster.plan.guard.max-percent=10",
    "roster.plan.guard.min-count=2",
    "roster.plan.guard.sources.workday.min-count=25",
    "roster.api.tokens[0].roles=operator",
    "roster.api.tokens[0].name=approver",
    "roster.api.tokens[0].token=" + WholeBatchGuardTests.APPROVER})
class WholeBatchGuardTests {

    static final String TOKEN = "whole-batch-token-0123456789";
    static final String SECRET = "whole-batch-webhook-secret-0123";
    static final String APPROVER = "whole-batch-approver-0123456789";

    @LocalServerPort
    int port;
    @Autowired
    InMemoryConnectorFactory memory;
    @Autowired
    Provisioning provisioning;
    private Api api;
    private InMemoryConnector directory;

    @BeforeEach
    void clients() {
        api = new Api("http://127.0.0.1:" + port, TOKEN);
        directory = memory.connector("directory").orElseThrow();
    }

    @Test
    void bulkRequestTerminatingMoreThanTheLimitIsHeldWholeAndNothingIsSent() throws Exception {
        String p = prefix("B");
        List<String> ids = new ArrayList<>();
        JsonNode created = bulk(20, i -> """
            {"method": "POST", "path": "/Users", "bulkId": "b%1$d", "data": {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
              "userName": "%2$s%1$d", "active": true,
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "%3$s%1$d"}}}"""
            .formatted(i, p.toLowerCase(Locale.ROOT), p));
        created.path("Operations").forEach(r -> ids.add(r.path("location").asString().replaceAll(".*/", "")));
        settled();

        bulk(12, i -> """
            {"method": "PATCH", "path": "/Users/%s", "data": {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [{"op": "replace", "path": "active", "value": false}]}}""".formatted(ids.get(i)));
        settled();

        assertThat(disabled(p, 20)).isEmpty();
        JsonNode hold = openHold("scim");
        assertThat(hold.path("plans").asLong()).isEqualTo(12);
        assertThat(hold.path("reason").asString()).contains("SCIM bulk request of 12 operation(s)")
            .contains("all 12 held, nothing sent");

        assertThat(api.send("POST", "/api/v1/holds/" + hold.path("id").asString() + "/approve", "application/json", "{}")
            .status()).as("the feed's own principal").isEqualTo(403);
        Api.Response approved = new Api("http://127.0.0.1:" + port, APPROVER).send("POST",
            "/api/v1/holds/" + hold.path("id").asString() + "/approve", "application/json", "{}");
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        settled();
        assertThat(disabled(p, 20)).hasSize(12);
    }

    @Test
    void webhookDeliveryWithinItsSourcesOwnLimitGoesWhole() throws Exception {
        String p = prefix("W");
        deliver(30, i -> "{\"eventId\": \"%s-j%d\", \"employeeNumber\": \"%s%d\", \"changes\": {\"userName\": \"%s%d\"}}"
            .formatted(p, i, p, i, p.toLowerCase(Locale.ROOT), i));
        settled();

        // 20 leavers: above the target's default (10 % of the accounts, at most 8 here) but within the
        // source's own limit of 25, which alone applies
        deliver(20, i -> "{\"eventId\": \"%s-l%d\", \"employeeNumber\": \"%s%d\", \"changes\": {\"employmentStatus\": \"terminated\"}}"
            .formatted(p, i, p, i));
        settled();

        assertThat(disabled(p, 30)).hasSize(20);
        assertThat(api.get("/api/v1/holds?status=OPEN").body()).doesNotContain("\"source\":\"workday\"");
    }

    @Test
    void snapshotWithinTheLimitGoesWhole() throws Exception {
        String p = prefix("F");
        upload(feed(p, 20, 0));
        settled();

        upload(feed(p, 20, 2));
        settled();

        assertThat(disabled(p, 20)).hasSize(2);
        assertThat(api.get("/api/v1/holds?status=OPEN").body()).doesNotContain("\"source\":\"feed\"");
    }

    /**
     * A file that terminates more than the limit is held whole: with two importing threads too, whose
     * second thread stages what it plans in the file's one batch.
     */
    @Test
    void snapshotAboveTheLimitIsHeldWholeAndNothingIsSent() throws Exception {
        String p = prefix("H");
        upload(feed(p, 20, 0));
        settled();

        upload(feed(p, 20, 12));
        settled();

        assertThat(disabled(p, 20)).isEmpty();
        JsonNode hold = openHold("feed");
        assertThat(hold.path("plans").asLong()).isEqualTo(12);
        assertThat(hold.path("reason").asString()).startsWith("snapshot ").contains("all 12 held, nothing sent");
        Api.Response rejected = new Api("http://127.0.0.1:" + port, APPROVER).send("POST",
            "/api/v1/holds/" + hold.path("id").asString() + "/reject", "application/json", "{}");
        assertThat(rejected.status()).as(rejected.body()).isEqualTo(200);
        settled();
        assertThat(disabled(p, 20)).isEmpty();
    }

    private JsonNode openHold(String source) {
        JsonNode holds = api.get("/api/v1/holds?status=OPEN&size=100").json().path("items");
        for (JsonNode h : holds) {
            if (h.path("source").asString().equals(source)) {
                return h;
            }
        }
        throw new AssertionError("no open hold from " + source + ": " + holds);
    }

    private List<String> disabled(String p, int n) throws org.roster.provisioning.ConnectorException {
        List<String> off = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!directory.read(p + i).map(TargetAccount::enabled).orElseThrow()) {
                off.add(p + i);
            }
        }
        return off;
    }

    private JsonNode bulk(int n, IntFunction<String> operation) {
        List<String> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(operation.apply(i));
        }
        Api.Response r = api.send("POST", "/scim/v2/Bulk", "application/scim+json",
            "{\"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:BulkRequest\"], \"Operations\": ["
                + String.join(",", ops) + "]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("\"status\":\"4");
        return r.json();
    }

    private void deliver(int n, IntFunction<String> event) throws Exception {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(event.apply(i));
        }
        HttpResponse<String> r = org.roster.support.Webhooks.deliver("http://127.0.0.1:" + port, "workday", SECRET,
            "{\"events\": [" + String.join(",", events) + "]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private void upload(String csv) {
        Api.Response r = api.send("POST", "/api/v1/hr/snapshots?source=feed", "text/csv", csv);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private static String feed(String p, int n, int terminated) {
        StringBuilder csv = new StringBuilder("employeeNumber,userName,employmentStatus\n");
        for (int i = 0; i < n; i++) {
            csv.append(p).append(i).append(',').append(p.toLowerCase(Locale.ROOT)).append(i).append(',')
                .append(i < terminated ? "terminated" : "active").append('\n');
        }
        return csv.toString();
    }

    private static String prefix(String kind) {
        return kind + UUID.randomUUID().toString().substring(0, 5).toUpperCase(Locale.ROOT) + "-";
    }

    private void settled() {
        await().atMost(Duration.ofSeconds(10)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
    }
}
