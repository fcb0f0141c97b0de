package org.roster.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.types.UserResource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roster.cli.Cli;
import org.roster.support.Api;
import org.roster.support.ScimClients;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The audit log's hash chain against tampering: intact after real traffic, then a record edited in
 * the database and one deleted from the end are each caught by the API, by the CLI reading the store
 * directly, and by the CLI reading an export, each naming the first broken record.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + AuditChainTests.TOKEN,
    "roster.store.url=" + AuditChainTests.STORE,
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory"})
class AuditChainTests {

    static final String TOKEN = "audit-chain-token-0123456789";
    static final String STORE = "jdbc:h2:mem:audit-chain;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";

    @LocalServerPort
    int port;
    @TempDir
    Path dir;

    @Test
    void anEditedRecordAndADeletedOneAreCaughtAndNamed() throws Exception {
        Api api = new Api("http://127.0.0.1:" + port, TOKEN);
        ScimService scim = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
        UserResource u = scim.create("Users", ScimClients.user("AC1", "ac1", "Sales", "employee", null));
        scim.create("Users", ScimClients.user("AC2", "ac2", "Legal", "employee", null));
        scim.modifyRequest("Users", u.getId()).replaceValue("active", false).invoke(UserResource.class);
        Thread.sleep(500); // acknowledgements, written by the dispatcher

        JsonNode intact = api.get("/api/v1/audit/verify").json().path("chain");
        assertThat(intact.path("brokenAt").isNull()).as(intact.toString()).isTrue();
        assertThat(intact.path("checked").asLong()).isGreaterThan(10);
        Path export = dir.resolve("audit.jsonl");
        Files.writeString(export, api.get("/api/v1/audit/export").body());
        assertThat(cli("audit", "verify", "--file", export.toString())).startsWith("0:audit chain intact");
        assertThat(cli("audit", "verify", "--store", STORE)).startsWith("0:audit chain intact");
        assertThat(cli("audit", "verify", "--store", "jdbc:h2:file:" + dir.resolve("locked") + ";IFEXISTS=TRUE"))
            .as("a store that cannot be read is not a broken chain").startsWith("3:");

        // queries by kind, identity and time
        JsonNode planned = api.get("/api/v1/audit?identity=AC1&kind=PLANNED").json().path("items");
        assertThat(planned.size()).isGreaterThanOrEqualTo(2);
        assertThat(api.get("/api/v1/audit?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z").json().path("items").size())
            .isZero();
        assertThat(api.get("/api/v1/audit/export?format=csv&identity=AC2").body()).startsWith("seq,recorded_at")
            .contains(",AC2,");

        // someone with database access rewrites what happened to AC1
        long edited = planned.get(0).path("seq").asLong();
        String original = planned.get(0).path("entry").path("detail").asString();
        try (Connection c = DriverManager.getConnection(STORE, "sa", "")) {
            c.createStatement().executeUpdate("update audit_record set detail = 'nothing happened' where seq = " + edited);
        }
        JsonNode broken = api.get("/api/v1/audit/verify").json().path("chain");
        assertThat(broken.path("brokenAt").asLong()).isEqualTo(edited);
        assertThat(broken.path("reason").asString()).contains("changed after it was written");
        assertThat(cli("audit", "verify", "--store", STORE)).startsWith("1:audit chain BROKEN at record " + edited);
        Files.writeString(export, api.get("/api/v1/audit/export").body());
        assertThat(cli("audit", "verify", "--file", export.toString())).startsWith("1:audit chain BROKEN at record " + edited);

        // put it back: intact again; then delete the last record instead
        try (Connection c = DriverManager.getConnection(STORE, "sa", "");
             var restore = c.prepareStatement("update audit_record set detail = ? where seq = ?")) {
            restore.setString(1, original);
            restore.setLong(2, edited);
            restore.executeUpdate();
        }
        assertThat(api.get("/api/v1/audit/verify").json().path("chain").path("brokenAt").isNull()).isTrue();
        long last;
        try (Connection c = DriverManager.getConnection(STORE, "sa", "")) {
            var rs = c.createStatement().executeQuery("select max(seq) from audit_record");
            rs.next();
            last = rs.getLong(1);
            c.createStatement().executeUpdate("delete from audit_record where seq = " + last);
        }
        JsonNode truncated = api.get("/api/v1/audit/verify").json().path("chain");
        assertThat(truncated.path("brokenAt").asLong()).isEqualTo(last);
        assertThat(truncated.path("reason").asString()).contains("deleted from the end");

        // a store that lost the head's update of a commit whose records it kept (docs/durability.md): the
        // head one record behind the last, at that record's hash
        try (Connection c = DriverManager.getConnection(STORE, "sa", "");
             var behind = c.prepareStatement("update audit_chain set last_seq = ?,"
                 + " last_hash = (select hash from audit_record where seq = ?) where id = 1")) {
            behind.setLong(1, last - 2);
            behind.setLong(2, last - 2);
            behind.executeUpdate();
        }
        JsonNode torn = api.get("/api/v1/audit/verify").json().path("chain");
        assertThat(torn.path("brokenAt").asLong()).as(torn.toString()).isEqualTo(last - 1);
        assertThat(torn.path("reason").asString()).contains("past the chain's head at record " + (last - 2));
        assertThat(cli("audit", "verify", "--store", STORE)).startsWith("1:audit chain BROKEN at record " + (last - 1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> scim.create("Users",
                ScimClients.user("AC3", "ac3", "Sales", "employee", null)))
            .as("nothing is done that cannot be recorded").isInstanceOf(com.unboundid.scim2.common.exceptions.ScimException.class);
    }

    private static String cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return code + ":" + out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

}
