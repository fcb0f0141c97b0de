package org.roster.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.bulk.BulkOperation;
import com.unboundid.scim2.common.bulk.BulkOperationResult;
import com.unboundid.scim2.common.bulk.BulkRequest;
import com.unboundid.scim2.common.bulk.BulkResponse;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.messages.PatchOperation;
import com.unboundid.scim2.common.types.EnterpriseUserExtension;
import com.unboundid.scim2.common.types.UserResource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.roster.hr.ScimSchemas;
import org.roster.support.Api;
import org.roster.support.ScimClients;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** SCIM Bulk with bulkId references and failOnErrors, ETag preconditions and sorting, through the SDK client. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + ScimBulkAndPreconditionsTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:scim-bulk;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory"})
class ScimBulkAndPreconditionsTests {

    static final String TOKEN = "bulk-token-0123456789abcdef";

    @LocalServerPort
    int port;
    private ScimService scim;
    private Api api;

    @BeforeEach
    void clients() {
        scim = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
        api = new Api("http://127.0.0.1:" + port, TOKEN);
    }

    private static String p() {
        return "K" + UUID.randomUUID().toString().substring(0, 6);
    }

    @Test
    void bulkCreatesAManagerAndAReportThatRefersToItByBulkId() throws Exception {
        String p = p();
        UserResource manager = ScimClients.user(p + "M", p + "-manager", "Legal", "employee", null);
        UserResource report = ScimClients.user(p + "R", p + "-report", "Legal", "employee", "bulkId:boss");

        BulkResponse response = scim.bulkRequest().append(
            BulkOperation.post("/Users", manager).setBulkId("boss"),
            BulkOperation.post("/Users", report).setBulkId("report")).invoke();

        assertThat(response.getOperations()).extracting(BulkOperationResult::getStatus).containsExactly("201", "201");
        String managerId = response.getOperations().get(0).getLocation().replaceAll(".*/", "");
        UserResource stored = scim.retrieve("Users", response.getOperations().get(1).getLocation().replaceAll(".*/", ""),
            UserResource.class);
        assertThat(stored.getExtension(EnterpriseUserExtension.class).getManager().getValue()).isEqualTo(managerId);
        assertThat(api.get("/api/v1/identities/" + p + "R").json().path("worker").path("managerEmployeeNumber")
            .stringValue()).isEqualTo(p + "M");
    }

    @Test
    void bulkAppliesEachOperationOnItsOwnAndStopsAfterFailOnErrors() throws Exception {
        String p = p();
        List<BulkOperation> ops = new ArrayList<>();
        UserResource bad = ScimClients.user(p + "1", p + "-one", "Legal", "employee", null);
        bad.setUserName(null);
        ops.add(BulkOperation.post("/Users", bad));
        ops.add(BulkOperation.post("/Users", ScimClients.user(p + "2", p + "-two", "Legal", "employee", null)));
        ops.add(BulkOperation.post("/Users", ScimClients.user(p + "3", p + "-two", "Legal", "employee", null)));
        ops.add(BulkOperation.post("/Users", ScimClients.user(p + "4", p + "-four", "Legal", "employee", null)));

        BulkResponse response = scim.bulkRequest().append(new BulkRequest(2, ops).getOperations()).invoke();
        BulkResponse stopped = new ScimBulkCall(api).send(2, ops);

        assertThat(response.getOperations()).extracting(BulkOperationResult::getStatus)
            .containsExactly("400", "201", "409", "201");
        assertThat(stopped.getOperations()).extracting(BulkOperationResult::getStatus)
            .as("the two errors stop the rest").containsExactly("400", "409");
        assertThat(api.get("/api/v1/identities/" + p + "1").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/identities/" + p + "4").status()).isEqualTo(200);
    }

    @Test
    void bulkPatchAndDeleteWithVersions() throws Exception {
        String p = p();
        UserResource u = scim.create("Users", ScimClients.user(p + "1", p + "-one", "Legal", "employee", null));

        BulkResponse response = scim.bulkRequest().append(
            BulkOperation.patch("/Users/" + u.getId(),
                PatchOperation.replace(ScimSchemas.ENTERPRISE_USER + ":department", "Audit")).setVersion("W/\"1\""),
            BulkOperation.patch("/Users/" + u.getId(),
                PatchOperation.replace("title", "Auditor")).setVersion("W/\"1\""),
            BulkOperation.delete("/Users/" + u.getId())).invoke();

        assertThat(response.getOperations()).extracting(BulkOperationResult::getStatus)
            .containsExactly("200", "412", "204");
        assertThat(api.get("/api/v1/identities/" + p + "1").json().path("state").stringValue()).isEqualTo("TERMINATED");
    }

    @Test
    void tooManyOperationsIsRefusedWhole() throws Exception {
        List<BulkOperation> ops = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            ops.add(BulkOperation.delete("/Users/nobody-" + i));
        }
        assertThatThrownBy(() -> scim.bulkRequest().append(ops).invoke())
            .isInstanceOfSatisfying(ScimException.class, e -> assertThat(e.getScimError().getStatus()).isEqualTo(413));
    }

    @Test
    void replaceWithAStaleVersionFailsAndChangesNothing() throws Exception {
        String p = p();
        UserResource u = scim.create("Users", ScimClients.user(p + "1", p + "-one", "Legal", "employee", null));
        UserResource changed = scim.modifyRequest("Users", u.getId()).replaceValue("title", "Lead")
            .invoke(UserResource.class);
        assertThat(changed.getMeta().getVersion()).isEqualTo("W/\"2\"");

        u.setTitle("Stale");
        assertThatThrownBy(() -> scim.replaceRequest(u).ifMatch().invoke())
            .isInstanceOfSatisfying(ScimException.class, e -> assertThat(e.getScimError().getStatus()).isEqualTo(412));
        assertThat(scim.retrieve("Users", u.getId(), UserResource.class).getTitle()).isEqualTo("Lead");

        changed.setTitle("Fresh");
        assertThat(scim.replaceRequest(changed).ifMatch().invoke().getTitle()).isEqualTo("Fresh");
        assertThat(api.get("/scim/v2/Users/" + u.getId()).status()).isEqualTo(200);
    }

    @Test
    void listsSortByAnyAttributeEitherWay() throws Exception {
        String p = p();
        scim.create("Users", ScimClients.user(p + "1", p + "-b", "Sort" + p, "employee", null));
        scim.create("Users", ScimClients.user(p + "2", p + "-c", "Sort" + p, "employee", null));
        scim.create("Users", ScimClients.user(p + "3", p + "-a", "Sort" + p, "employee", null));
        String filter = ScimSchemas.ENTERPRISE_USER + ":department eq \"Sort" + p + "\"";

        ListResponse<UserResource> up = scim.searchRequest("Users").filter(filter).sort("userName",
            com.unboundid.scim2.common.messages.SortOrder.ASCENDING).invoke(UserResource.class);
        ListResponse<UserResource> down = scim.searchRequest("Users").filter(filter).sort("userName",
            com.unboundid.scim2.common.messages.SortOrder.DESCENDING).invoke(UserResource.class);

        assertThat(up.getResources()).extracting(UserResource::getUserName).containsExactly(p + "-a", p + "-b", p + "-c");
        assertThat(down.getResources()).extracting(UserResource::getUserName).containsExactly(p + "-c", p + "-b", p + "-a");
    }

    /** Sends a bulk request with failOnErrors, which the SDK's builder does not set. */
    private record ScimBulkCall(Api api) {
        BulkResponse send(int failOnErrors, List<BulkOperation> ops) throws Exception {
            String body = com.unboundid.scim2.common.utils.JsonUtils.getObjectWriter()
                .writeValueAsString(new BulkRequest(failOnErrors, ops));
            Api.Response r = api.send("POST", "/scim/v2/Bulk", "application/scim+json", body);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            return com.unboundid.scim2.common.utils.JsonUtils.getObjectReader().forType(BulkResponse.class)
                .readValue(r.body());
        }
    }
}
