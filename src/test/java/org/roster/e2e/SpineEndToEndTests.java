package org.roster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.types.UserResource;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.roster.hr.ScimSchemas;
import org.roster.support.Acknowledgements;
import org.roster.support.Api;
import org.roster.support.ScimClients;
import org.roster.support.TestDirectory;
import org.roster.support.TestTargets;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

/**
 * The spine, end to end through HTTP against the running application: an HR system pushes SCIM,
 * a real LDAP directory follows. Runs once per directory (subclasses), with the demo policy: every
 * worker gets an account, employees the {@code employees} group, everyone a {@code dept-*} group.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + SpineEndToEndTests.TOKEN,
    "roster.provisioning.initial-backoff=100ms",
    "roster.hr.sources[0].name=hr-export",
    "roster.hr.sources[0].type=snapshot"})
abstract class SpineEndToEndTests {

    static final String TOKEN = "e2e-token-0123456789abcdef";
    private static final Duration PROPAGATION = Duration.ofSeconds(10);

    @LocalServerPort
    int port;

    ScimService scim;
    Api api;

    abstract TestDirectory directory();

    static void register(DynamicPropertyRegistry r, TestDirectory d, String storeUrl, String storeUser) {
        r.add("roster.store.url", () -> storeUrl);
        r.add("roster.store.username", () -> storeUser);
        r.add("roster.store.password", () -> "");
        TestTargets.ldapDirectory(r, d);
    }

    @BeforeEach
    void clients() {
        String base = "http://127.0.0.1:" + port;
        scim = ScimClients.hr(base, TOKEN);
        api = new Api(base, TOKEN);
    }

    private static String newEmployeeNumber() {
        return "E" + UUID.randomUUID().toString().substring(0, 8);
    }

    private UserResource join(String employeeNumber, String department) throws Exception {
        return scim.create("Users", ScimClients.user(employeeNumber, "u" + employeeNumber.toLowerCase(java.util.Locale.ROOT),
            department, "employee", null));
    }

    /** A SCIM PATCH replacing one enterprise-extension attribute of the user. */
    private void replaceEnterprise(UserResource user, String attribute, String value) throws Exception {
        scim.modifyRequest("Users", user.getId()).replaceValue(ScimSchemas.ENTERPRISE_USER + ":" + attribute, value)
            .invoke(UserResource.class);
    }

    private SearchResultEntry awaitGroups(String employeeNumber, String... groups) {
        return await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(20)).until(() -> {
            SearchResultEntry e = directory().person(employeeNumber);
            return e != null && directory().groupsOf(e.getDN()).equals(List.of(groups)) ? e : null;
        }, e -> e != null);
    }

    @Test
    void joinerPushedBySCIMGetsADirectoryAccountWithThePolicyGroups() throws Exception {
        String id = newEmployeeNumber();

        UserResource created = join(id, "Engineering");

        assertThat(created.getId()).isNotBlank();
        assertThat(created.getMeta().getVersion()).isEqualTo("W/\"1\"");
        SearchResultEntry person = awaitGroups(id, "dept-engineering", "employees");
        assertThat(person.getAttributeValue("mail")).isEqualTo("u" + id.toLowerCase(java.util.Locale.ROOT) + "@example.com");
        assertThat(person.getAttributeValue("departmentNumber")).isEqualTo("Engineering");
        assertThat(person.getAttributeValue("pwdAccountLockedTime")).isNull();
    }

    @Test
    void departmentChangeByPutMovesTheDirectoryGroups() throws Exception {
        String id = newEmployeeNumber();
        UserResource user = join(id, "Sales");
        awaitGroups(id, "dept-sales", "employees");

        var enterprise = user.getExtension(com.unboundid.scim2.common.types.EnterpriseUserExtension.class);
        enterprise.setDepartment("Finance");
        user.setExtension(enterprise);
        UserResource replaced = scim.replace(user);

        assertThat(replaced.getMeta().getVersion()).isEqualTo("W/\"2\"");
        SearchResultEntry person = awaitGroups(id, "dept-finance", "employees");
        assertThat(person.getAttributeValue("departmentNumber")).isEqualTo("Finance");
    }

    @Test
    void departmentChangeByPatchMovesTheDirectoryGroups() throws Exception {
        String id = newEmployeeNumber();
        UserResource user = join(id, "Sales");
        awaitGroups(id, "dept-sales", "employees");

        replaceEnterprise(user, "department", "Research");

        awaitGroups(id, "dept-research", "employees");
    }

    @Test
    void aUserNameChangeByPatchRenamesTheDirectoryAccountWithItsGroups() throws Exception {
        String id = newEmployeeNumber();
        UserResource user = join(id, "Sales");
        String old = awaitGroups(id, "dept-sales", "employees").getDN();
        String renamed = "u" + id.toLowerCase(java.util.Locale.ROOT) + "-married";

        scim.modifyRequest("Users", user.getId()).replaceValue("userName", renamed).invoke(UserResource.class);

        SearchResultEntry person = await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(20)).until(() -> {
            SearchResultEntry e = directory().person(id);
            return e != null && renamed.equals(e.getAttributeValue("uid")) ? e : null;
        }, e -> e != null);
        assertThat(person.getDN()).startsWith("uid=" + renamed + ",");
        assertThat(directory().groupsOf(person.getDN())).containsExactly("dept-sales", "employees");
        assertThat(directory().groupsOf(old)).isEmpty();
    }

    @Test
    void terminationDisablesTheAccountAtOnceAndRemovesEveryGroup() throws Exception {
        String id = newEmployeeNumber();
        UserResource user = join(id, "Engineering");
        awaitGroups(id, "dept-engineering", "employees");

        scim.modifyRequest("Users", user.getId())
            .replaceValue(ScimSchemas.WORKER + ":employmentStatus", "terminated")
            .invoke(UserResource.class);

        SearchResultEntry person = awaitGroups(id);
        assertThat(person.getAttributeValue("pwdAccountLockedTime")).isEqualTo("000001010000Z");
    }

    @Test
    void activeFalseIsATerminationToo() throws Exception {
        String id = newEmployeeNumber();
        UserResource user = join(id, "Engineering");
        awaitGroups(id, "dept-engineering", "employees");

        scim.modifyRequest("Users", user.getId()).replaceValue("active", false).invoke(UserResource.class);

        assertThat(awaitGroups(id).getAttributeValue("pwdAccountLockedTime")).isEqualTo("000001010000Z");
    }

    @Test
    void identitiesApiShowsStateDesiredAccessAccountsAndHistory() throws Exception {
        String id = newEmployeeNumber();
        UserResource user = join(id, "Sales");
        awaitGroups(id, "dept-sales", "employees");
        scim.modifyRequest("Users", user.getId())
            .replaceValue(ScimSchemas.ENTERPRISE_USER + ":department", "Finance").invoke(UserResource.class);
        awaitGroups(id, "dept-finance", "employees");
        scim.modifyRequest("Users", user.getId()).replaceValue("active", false).invoke(UserResource.class);
        awaitGroups(id);

        JsonNode identity = await().atMost(PROPAGATION).until(() -> api.get("/api/v1/identities/" + id).json(),
            n -> n.path("accounts").path(0).path("pendingOperations").asLong() == 0
                && !n.path("accounts").path(0).path("enabled").asBoolean());

        assertThat(identity.path("state").stringValue()).isEqualTo("TERMINATED");
        assertThat(identity.path("desiredEntitlements")).isEmpty();
        JsonNode account = identity.path("accounts").path(0);
        assertThat(account.path("target").stringValue()).isEqualTo("directory");
        assertThat(account.path("entitlements")).isEmpty();
        assertThat(kinds(identity.path("history"), "kind")).containsExactly("JOINER", "MOVER", "LEAVER");
        assertThat(identity.path("history").path(1).path("changes").path(0).stringValue())
            .isEqualTo("department: Sales -> Finance");
        JsonNode disable = StreamSupport.stream(identity.path("operations").spliterator(), false)
            .filter(o -> o.path("operation").path("kind").stringValue().equals("DISABLE")).findFirst().orElseThrow();
        assertThat(disable.path("status").stringValue()).isEqualTo("DONE");
        assertThat(disable.path("operation").path("priority").asBoolean()).isTrue();
        for (String t : List.of("hrReceivedAt", "plannedAt", "sentAt", "ackedAt")) {
            assertThat(disable.path(t).isString()).as(t).isTrue();
        }

        JsonNode terminated = api.get("/api/v1/identities?state=TERMINATED&size=500").json();
        assertThat(kinds(terminated.path("items"), "employeeNumber")).contains(id);
        JsonNode active = api.get("/api/v1/identities?state=ACTIVE&size=500").json();
        assertThat(kinds(active.path("items"), "employeeNumber")).doesNotContain(id);
    }

    @Test
    void auditListsEveryEventDecisionAndOperationOfTheIdentity() throws Exception {
        String id = newEmployeeNumber();
        join(id, "Engineering");
        awaitGroups(id, "dept-engineering", "employees");

        JsonNode audit = await().atMost(PROPAGATION).until(() -> api.get("/api/v1/audit?identity=" + id).json(),
            n -> Acknowledgements.acknowledgedIn(n.path("items")).size() == 3);
        assertThat(Acknowledgements.acknowledgedIn(audit.path("items"))).as("each operation acknowledged once, in order").containsExactly(
            "CREATE directory", "ADD_ENTITLEMENT directory dept-engineering", "ADD_ENTITLEMENT directory employees");

        List<String> kinds = kinds(audit.path("items"), "entry", "kind");
        assertThat(kinds.subList(0, 3)).containsExactly("HR_EVENT", "TRANSITION", "PLANNED");
        assertThat(kinds).as("the policy's decision is in the plan's record").doesNotContain("POLICY")
            .filteredOn("PLANNED"::equals).hasSize(1);
        String planned = audit.path("items").path(2).path("entry").path("detail").stringValue();
        assertThat(planned).startsWith("policy ").contains("directory:employees (rule 'employees')")
            .contains("directory:dept-engineering (rule 'department-group')")
            .contains("; 3 operation(s): CREATE directory")
            .contains("ADD_ENTITLEMENT directory employees (JOINER: granted by rule 'employees')");
        assertThat(audit.path("items").path(0).path("entry").path("actor").stringValue()).isEqualTo("bootstrap");
        String correlation = audit.path("items").path(0).path("entry").path("correlationId").stringValue();
        assertThat(kinds(audit.path("items"), "entry", "correlationId")).containsOnly(correlation);
    }

    @Test
    void aChangeThatMovesNoAccessStillRecordsThePolicyDecision() throws Exception {
        String id = newEmployeeNumber();
        UserResource user = join(id, "Engineering");
        awaitGroups(id, "dept-engineering", "employees");

        replaceEnterprise(user, "costCenter", "CC-9");

        JsonNode audit = await().atMost(PROPAGATION).until(() -> api.get("/api/v1/audit?identity=" + id).json(),
            n -> kinds(n.path("items"), "entry", "kind").stream().filter("HR_EVENT"::equals).count() == 2);
        List<String> kinds = kinds(audit.path("items"), "entry", "kind");
        List<String> afterChange = kinds.subList(kinds.lastIndexOf("HR_EVENT"), kinds.size());
        assertThat(afterChange).as("nothing to do: no plan, but the decision").contains("POLICY").doesNotContain("PLANNED");
        assertThat(audit.path("items").path(kinds.lastIndexOf("POLICY")).path("entry").path("detail").stringValue())
            .startsWith("policy ").contains("directory:dept-engineering (rule 'department-group')");
    }

    @Test
    void csvRowThatTerminatesAWorkerDisablesTheDirectoryAccount() throws Exception {
        // Apache Syncope 2.1, given this row, suspended the user internally and left the LDAP account enabled.
        String a = newEmployeeNumber();
        String b = newEmployeeNumber();
        String header = "employeeNumber,userName,department,employmentStatus\n";
        Api.Response first = api.send("POST", "/api/v1/hr/snapshots?source=hr-export", "text/csv", header
            + a + ",csv-" + a.toLowerCase(java.util.Locale.ROOT) + ",Support,active\n"
            + b + ",csv-" + b.toLowerCase(java.util.Locale.ROOT) + ",Support,active\n");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        awaitGroups(a, "dept-support", "employees");
        awaitGroups(b, "dept-support", "employees");

        Api.Response second = api.send("POST", "/api/v1/hr/snapshots?source=hr-export", "text/csv", header
            + a + ",csv-" + a.toLowerCase(java.util.Locale.ROOT) + ",Support,terminated\n"
            + b + ",csv-" + b.toLowerCase(java.util.Locale.ROOT) + ",Support,active\n");

        assertThat(second.json().path("changed").asLong()).isEqualTo(1);
        assertThat(awaitGroups(a).getAttributeValue("pwdAccountLockedTime")).isEqualTo("000001010000Z");
        assertThat(directory().person(b).getAttributeValue("pwdAccountLockedTime")).isNull();
    }

    @Test
    void retriedIdenticalReplaceChangesNothing() throws Exception {
        String id = newEmployeeNumber();
        UserResource user = join(id, "Engineering");
        awaitGroups(id, "dept-engineering", "employees");

        UserResource again = scim.replace(user);

        assertThat(again.getMeta().getVersion()).isEqualTo("W/\"1\"");
        JsonNode audit = api.get("/api/v1/audit?identity=" + id).json();
        assertThat(kinds(audit.path("items"), "entry", "kind")).filteredOn("HR_EVENT"::equals).hasSize(1);
    }

    private static List<String> kinds(JsonNode array, String... path) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> {
            JsonNode v = n;
            for (String p : path) {
                v = v.path(p);
            }
            return v instanceof StringNode s ? s.stringValue() : v.toString();
        }).toList();
    }

}
