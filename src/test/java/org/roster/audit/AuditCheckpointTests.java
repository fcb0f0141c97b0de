package org.roster.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.scim2.client.ScimService;
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
 * Signed checkpoints: someone who rewrites the audit table and recomputes every hash (the chain is
 * consistent again) is still caught, because the record a checkpoint signed no longer has the hash
 * the signature covers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + AuditCheckpointTests.TOKEN,
    "roster.store.url=" + AuditCheckpointTests.STORE,
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.audit.checkpoint-file=" + AuditCheckpointTests.JOURNAL})
class AuditCheckpointTests {

    static final String JOURNAL = "target/audit-checkpoint-tests/checkpoints.jsonl";

    static {
        try {
            Files.deleteIfExists(Path.of(JOURNAL)); // a checkpoint file left by an earlier run belongs to another store
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static final String TOKEN = "audit-checkpoint-token-0123456789";
    static final String STORE = "jdbc:h2:mem:audit-checkpoints;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";

    @LocalServerPort
    int port;
    @TempDir
    Path dir;

    @Test
    void aChainRewrittenWithEveryHashRecomputedStillFailsItsSignedCheckpoint() throws Exception {
        Api api = new Api("http://127.0.0.1:" + port, TOKEN);
        ScimService scim = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
        scim.create("Users", ScimClients.user("AC9", "ac9", "Sales", "employee", null));
        Thread.sleep(300);
        Api.Response signed = api.send("POST", "/api/v1/audit/checkpoints", "application/json", "");
        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        long signedSeq = signed.json().path("seq").asLong();
        assertThat(api.get("/api/v1/audit/verify").json().path("intact").asBoolean()).isTrue();
        String keyId = signed.json().path("keyId").asString();

        // offline, with the key pinned: from the store, and from an export with the checkpoints beside it
        assertThat(cli("audit", "verify", "--store", STORE, "--key", keyId)).isZero();
        assertThat(out()).contains("audit chain intact").contains("signed checkpoints verified: 1");
        Path export = dir.resolve("audit.jsonl");
        Files.writeString(export, api.get("/api/v1/audit/export?format=jsonl").body());
        Path checkpoints = dir.resolve("checkpoints.json");
        Files.writeString(checkpoints, api.get("/api/v1/audit/checkpoints").body());
        assertThat(cli("audit", "verify", "--file", export.toString(), "--checkpoints", checkpoints.toString(),
            "--key", keyId)).isZero();
        assertThat(out()).contains("signed checkpoints verified: 1");
        assertThat(cli("audit", "verify", "--store", STORE, "--key", "0123456789abcdef")).isEqualTo(1);
        assertThat(out()).contains("not the key given");

        // an attacker with the database edits a record and recomputes every hash after it, and the head
        try (Connection c = DriverManager.getConnection(STORE, "sa", "")) {
            c.setAutoCommit(false);
            var rs = c.createStatement().executeQuery("select seq, recorded_at, identity_key, kind, stage, actor, target,"
                + " detail, correlation_id, prev_hash from audit_record where identity_key = 'AC9' order by seq");
            rs.next();
            long from = rs.getLong(1);
            var all = c.createStatement().executeQuery("select seq, recorded_at, identity_key, kind, stage, actor, target,"
                + " detail, correlation_id, prev_hash from audit_record where seq >= " + from + " order by seq");
            String prev = null;
            long lastSeq = 0;
            var update = c.prepareStatement("update audit_record set detail = ?, prev_hash = ?, hash = ? where seq = ?");
            while (all.next()) {
                long seq = all.getLong(1);
                String detail = seq == from ? "nothing happened" : all.getString(8);
                String prevHash = prev == null ? all.getString(10) : prev;
                String hash = AuditHash.of(prevHash, seq, all.getTimestamp(2).toInstant(), all.getString(3),
                    all.getString(4), all.getString(5), all.getString(6), all.getString(7), detail, all.getString(9));
                update.setString(1, detail);
                update.setString(2, prevHash);
                update.setString(3, hash);
                update.setLong(4, seq);
                update.executeUpdate();
                prev = hash;
                lastSeq = seq;
            }
            c.createStatement().executeUpdate("update audit_chain set last_seq = " + lastSeq + ", last_hash = '" + prev
                + "' where id = 1");
            c.commit();
        }
        JsonNode after = api.get("/api/v1/audit/verify").json();
        assertThat(after.path("chain").path("brokenAt").isNull()).as("the chain itself is consistent again").isTrue();
        assertThat(after.path("intact").asBoolean()).isFalse();
        assertThat(after.path("checkpoints").path("brokenAt").asLong()).isEqualTo(signedSeq);
        assertThat(after.path("checkpoints").path("reason").asString()).contains("rewritten");
        assertThat(cli("audit", "verify", "--store", STORE, "--key", keyId)).isEqualTo(1);
        assertThat(out()).contains("audit chain intact").contains("checkpoint at record " + signedSeq)
            .contains("rewritten");
        // and Roster does not sign the forged head
        Api.Response refused = api.send("POST", "/api/v1/audit/checkpoints", "application/json", "");
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.body()).contains("no checkpoint is signed over it");

        // the attacker deletes the checkpoints too: the store's count of them says so
        try (Connection c = DriverManager.getConnection(STORE, "sa", "")) {
            c.createStatement().executeUpdate("delete from audit_checkpoint");
        }
        JsonNode deleted = api.get("/api/v1/audit/verify").json();
        assertThat(deleted.path("intact").asBoolean()).isFalse();
        assertThat(deleted.path("checkpoints").path("reason").asString()).contains("checkpoints were deleted");
        assertThat(cli("audit", "verify", "--store", STORE)).as("without --key too").isEqualTo(1);
        assertThat(out()).contains("checkpoints were deleted");

        // and resets that count: the checkpoint file outside the database still has them
        try (Connection c = DriverManager.getConnection(STORE, "sa", "")) {
            c.createStatement().executeUpdate("update audit_chain set checkpoint_seq = 0, checkpoint_count = 0");
        }
        JsonNode reset = api.get("/api/v1/audit/verify").json();
        assertThat(reset.path("intact").asBoolean()).isFalse();
        assertThat(reset.path("checkpoints").path("reason").asString()).contains("checkpoints.jsonl")
            .contains("no longer in the store");
        assertThat(cli("audit", "verify", "--store", STORE, "--checkpoints", JOURNAL)).isEqualTo(1);
        assertThat(out()).contains("no longer in the store");
        assertThat(api.send("POST", "/api/v1/audit/checkpoints", "application/json", "").status()).isEqualTo(409);
    }

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

    private int cli(String... args) {
        stdout.reset();
        return Cli.run(args, new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err);
    }

    private String out() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

}
