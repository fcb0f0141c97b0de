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
 * whole, and the {@code PLANNED} record lists the operations. A decision or a list of operations too
 * long for one record is split into several, and nothing is cut.
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
    /** What a worker in Finance gets on top: with them, neither the decision nor the operations fit one record. */
    private static final int MORE = 100;

    @LocalServerPort
    int port;

    /**
     * Forty entitlements with long names for everyone: their decision fits a record's detail, but not
     * with the forty-one operations it causes. A hundred more for Finance.
     */
    @DynamicPropertySource
    static void manyGrants(DynamicPropertyRegistry r) {
        // each rule whole in one place: a list is bound from one property source
        rule(r, 0, "many", "true", GRANTS, "a-rather-long-entitlement-name-for-the-finance-share-%02d");
        rule(r, 1, "finance", "worker.department == 'Finance'", MORE, "another-long-entitlement-name-for-a-finance-ledger-%03d");
    }

    /** Policy rule {@code index}: {@code count} entitlements on the directory, named by {@code format} from 0. */
    private static void rule(DynamicPropertyRegistry r, int index, String name, String when, int count, String format) {
        String rule = "roster.policy.rules[" + index + "]";
        r.add(rule + ".name", () -> name);
        r.add(rule + ".when", () -> when);
        for (int i = 0; i < count; i++) {
            String entitlement = String.format(java.util.Locale.ROOT, format, i);
            r.add(rule + ".grants[" + i + "].target", () -> "directory");
            r.add(rule + ".grants[" + i + "].entitlement", () -> entitlement);
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
        // the forty-one operations alone pass a record's size too (they were cut with an ellipsis once): two records
        assertThat(planned).startsWith(1 + GRANTS + " operation(s), 1 to ").contains(": CREATE directory");
        assertThat(details(items, "PLANNED")).hasSize(2).last().asString()
            .startsWith(1 + GRANTS + " operation(s), ").endsWith("-39 (JOINER: granted by rule 'many')");
    }

    /**
     * A hundred and forty grants: the decision and the operations are each too long for one record.
     * Each is split between grants or operations, every part whole and saying which it holds, and
     * together they name every grant and every operation once, in order.
     */
    @Test
    void aDecisionAndOperationsTooLongForOneRecordAreSplitAndNothingIsCut() {
        Api admin = new Api("http://127.0.0.1:" + port, ADMIN);
        ScimWorkers.hire(admin, "P200", "fin", null, "Finance", null);
        int operations = 1 + GRANTS + MORE;

        JsonNode items = await().atMost(Duration.ofSeconds(10))
            .until(() -> admin.get("/api/v1/audit?identity=P200&size=100").json().path("items"),
                n -> kinds(n).contains("PLANNED"));

        List<String> policy = details(items, "POLICY");
        List<String> planned = details(items, "PLANNED");
        assertThat(policy).hasSizeGreaterThan(1);
        assertThat(planned).hasSizeGreaterThan(1);
        assertThat(kinds(items)).containsSubsequence("TRANSITION", "POLICY", "POLICY", "PLANNED", "PLANNED");
        java.util.stream.Stream.concat(policy.stream(), planned.stream()).forEach(d -> assertThat(d)
            .hasSizeLessThanOrEqualTo(AuditEntry.MAX_DETAIL).as("whole, not cut").doesNotEndWith("…"));
        assertThat(policy.get(0)).matches("policy \\S+ grants \\(1 to \\d+ of " + (GRANTS + MORE) + "\\) .*");
        assertThat(planned.get(0)).startsWith(operations + " operation(s), 1 to ");

        List<String> grants = new java.util.ArrayList<>();
        policy.forEach(d -> grants.addAll(List.of(d.substring(d.indexOf(") ") + 2).split(", "))));
        assertThat(grants).hasSize(GRANTS + MORE)
            .allSatisfy(g -> assertThat(g).startsWith("directory:"))
            .anySatisfy(g -> assertThat(g).startsWith("directory:a-rather-long-entitlement-name-for-the-finance-share-00 "))
            .anySatisfy(g -> assertThat(g).startsWith("directory:another-long-entitlement-name-for-a-finance-ledger-099 "));
        List<String> named = new java.util.ArrayList<>();
        planned.forEach(d -> named.addAll(List.of(d.substring(d.indexOf(": ") + 2).split("; "))));
        assertThat(named).hasSize(operations).doesNotHaveDuplicates();
        assertThat(named.get(0)).startsWith("CREATE directory");
        assertThat(named).filteredOn(o -> o.startsWith("ADD_ENTITLEMENT directory ")).hasSize(GRANTS + MORE);
    }

    private static List<String> details(JsonNode items, String kind) {
        return StreamSupport.stream(items.spliterator(), false)
            .filter(n -> kind.equals(n.path("entry").path("kind").stringValue()))
            .map(n -> n.path("entry").path("detail").stringValue()).toList();
    }

    private static List<String> kinds(JsonNode items) {
        return StreamSupport.stream(items.spliterator(), false)
            .map(n -> n.path("entry").path("kind").stringValue()).toList();
    }
}
