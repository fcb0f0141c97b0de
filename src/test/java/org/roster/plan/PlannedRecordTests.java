package org.roster.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.roster.audit.AuditEntry;
import org.roster.support.Api;
import org.roster.support.ScimWorkers;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A plan's audit record carries the policy's decision with the operations, unless the two together
 * are longer than a record's detail holds: then the decision is a {@code POLICY} record of its own,
 * whole, and the {@code PLANNED} record lists the operations.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + PlannedRecordTests.ADMIN,
    "roster.store.url=jdbc:h2:mem:planned-record;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory"})
class PlannedRecordTests {

    static final String ADMIN = "planned-record-admin-token-0123456789";
    private static final int GRANTS = 40;

    @LocalServerPort
    int port;

    /**
     * Forty entitlements with long names: their decision fits a record's detail, but not with the
     * forty-one operations it causes.
     */
    @DynamicPropertySource
    static void manyGrants(DynamicPropertyRegistry r) {
        // the whole rule in one place: a list is bound from one property source
        r.add("roster.policy.rules[0].name", () -> "many");
        r.add("roster.policy.rules[0].when", () -> "true");
        for (int i = 0; i < GRANTS; i++) {
            int n = i;
            r.add("roster.policy.rules[0].grants[" + i + "].target", () -> "directory");
            r.add("roster.policy.rules[0].grants[" + i + "].entitlement",
                () -> String.format(java.util.Locale.ROOT, "a-rather-long-entitlement-name-for-the-finance-share-%02d", n));
        }
    }

    @Test
    void aDecisionTooLongToShareTheRecordIsAuditedWholeOnItsOwn() {
        Api admin = new Api("http://127.0.0.1:" + port, ADMIN);
        ScimWorkers.hire(admin, "P100", "pat", null);

        JsonNode items = await().atMost(Duration.ofSeconds(10))
            .until(() -> admin.get("/api/v1/audit?identity=P100").json().path("items"),
                n -> kinds(n).contains("PLANNED"));

        List<String> kinds = kinds(items);
        assertThat(kinds).containsSubsequence("TRANSITION", "POLICY", "PLANNED");
        String policy = items.path(kinds.indexOf("POLICY")).path("entry").path("detail").stringValue();
        String planned = items.path(kinds.indexOf("PLANNED")).path("entry").path("detail").stringValue();
        assertThat(policy).startsWith("policy ").hasSizeLessThanOrEqualTo(AuditEntry.MAX_DETAIL)
            .as("whole, not cut").doesNotEndWith("…")
            .contains("a-rather-long-entitlement-name-for-the-finance-share-00")
            .contains("a-rather-long-entitlement-name-for-the-finance-share-39");
        assertThat(planned).startsWith(1 + GRANTS + " operation(s): CREATE directory");
    }

    private static List<String> kinds(JsonNode items) {
        return StreamSupport.stream(items.spliterator(), false)
            .map(n -> n.path("entry").path("kind").stringValue()).toList();
    }
}
