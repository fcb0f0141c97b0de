package org.roster.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.types.UserResource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.roster.cli.Cli;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.support.Api;
import org.roster.support.ScimClients;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The compliance report of a period holds what happened in it (joiners, a leaver verified gone, a
 * quarantined HR row, an approved exception, a reconciliation run), maps it to the controls with
 * the gaps named, renders as a self-contained page, and says when the audit trail under it is broken.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + ComplianceReportTests.TOKEN,
    "roster.api.tokens[0].roles=operator",
    "roster.api.tokens[0].name=alice",
    "roster.api.tokens[0].token=" + ComplianceReportTests.ALICE,
    "roster.api.tokens[1].roles=operator",
    "roster.api.tokens[1].name=bob",
    "roster.api.tokens[1].token=" + ComplianceReportTests.BOB,
    "roster.store.url=jdbc:h2:mem:compliance;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.hr.sources[0].name=feed",
    "roster.hr.sources[0].type=snapshot"})
class ComplianceReportTests {

    static final String TOKEN = "compliance-token-0123456789abcdef";
    static final String ALICE = "compliance-alice-0123456789abcdef";
    static final String BOB = "compliance-bob-0123456789abcdefgh";

    @LocalServerPort
    int port;
    @Autowired
    Provisioning provisioning;
    @Autowired
    JdbcTemplate jdbc;

    @AfterEach
    void restoreEnvironment() {
        org.roster.cli.ImportCommandAccess.restore();
    }

    @Test
    void theReportShowsThePeriodsEvidenceMappedToControls() throws Exception {
        Instant from = Instant.now().minusSeconds(60);
        String base = "http://127.0.0.1:" + port;
        Api api = new Api(base, TOKEN);
        ScimService hr = ScimClients.hr(base, TOKEN);
        hr.create("Users", ScimClients.user("C1", "c1", "Sales", "employee", null));
        UserResource leaver = hr.create("Users", ScimClients.user("C2", "c2", "Sales", "employee", null));
        settled();
        hr.modifyRequest("Users", leaver.getId()).replaceValue("active", false).invoke(UserResource.class);
        Api.Response upload = api.send("POST", "/api/v1/hr/snapshots?source=feed", "text/csv",
            "employeeNumber,userName,department,workerType,employmentStatus,endDate\n"
                + "C3,c3,Legal,employee,active,\nC4,c4,Legal,employee,active,30.06.2027\n");
        assertThat(upload.status()).as(upload.body()).isEqualTo(200);
        JsonNode exception = new Api(base, ALICE).send("POST", "/api/v1/exceptions", "application/json", """
            {"identity": "C1", "target": "directory", "entitlement": "vpn", "reason": "on-call for the migration",
             "expiresAt": "%s"}""".formatted(Instant.now().plus(Duration.ofDays(2)))).json();
        assertThat(new Api(base, BOB).send("POST", "/api/v1/exceptions/" + exception.path("id").asString() + "/approve",
            "application/json", "{}").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !provisioning.revocations("C2").isEmpty());
        settled();
        // reconciled from the command line: it follows the run to its end and lists what it found
        ByteArrayOutputStream reconciled = new ByteArrayOutputStream();
        org.roster.cli.ImportCommandAccess.environment(Map.of("ROSTER_TOKEN", TOKEN));
        int reconcileStatus = Cli.run(new String[] {"reconcile", "directory", "--url", base, "--poll", "0.1"},
            new PrintStream(reconciled, true, StandardCharsets.UTF_8), System.err);
        assertThat(reconcileStatus).isZero();
        assertThat(reconciled.toString(StandardCharsets.UTF_8)).contains("(report) started")
            .contains("directory: 3 account(s) read in");

        String period = "from=" + from + "&to=" + Instant.now().plusSeconds(60);
        Api.Response json = api.get("/api/v1/reports/compliance?" + period);
        assertThat(json.status()).as(json.body()).isEqualTo(200);
        JsonNode report = json.json();
        assertThat(report.path("integrity").path("intact").asBoolean()).isTrue();
        assertThat(report.path("caveats").size()).isZero();
        assertThat(report.path("transitions").path("JOINER").asLong()).isEqualTo(3);
        assertThat(report.path("transitions").path("LEAVER").asLong()).isEqualTo(1);
        JsonNode directory = report.path("revocation").get(0);
        assertThat(directory.path("target").asString()).isEqualTo("directory");
        assertThat(directory.path("verified").path("count").asLong()).isEqualTo(1);
        assertThat(directory.path("worst").get(0).path("identity").asString()).isEqualTo("C2");
        assertThat(report.path("fullRevocation").path("worst").get(0).path("identity").asString()).isEqualTo("C2");
        assertThat(report.path("failedVerifications").size()).isZero();
        assertThat(report.path("quarantine").path("total").asLong()).isEqualTo(1);
        assertThat(report.path("quarantine").path("byField").path("endDate").asLong()).isEqualTo(1);
        assertThat(report.path("quarantine").path("first").get(0).has("record")).isFalse(); // the HR record stays put
        JsonNode granted = report.path("exceptions").get(0);
        assertThat(granted.path("kind").asString()).isEqualTo("EXCEPTION");
        assertThat(granted.path("subject").asString()).isEqualTo("C1");
        assertThat(granted.path("approvedBy").asString()).isEqualTo("bob");
        assertThat(report.path("drift").path("runs").size()).isEqualTo(1);
        assertThat(report.path("drift").path("runs").get(0).path("actor").asString()).isEqualTo("bootstrap");

        Map<String, JsonNode> controls = new java.util.LinkedHashMap<>();
        report.path("controls").forEach(c -> controls.put(c.path("id").asString(), c));
        assertThat(controls).containsOnlyKeys("PR.AA-01", "PR.AA-05", "Tenets 6-7", "NHI3");
        JsonNode identities = controls.get("PR.AA-01");
        assertThat(identities.path("status").asString()).isEqualTo("ATTENTION");
        assertThat(identities.path("attention").toString()).contains("1 quarantined HR record(s) not yet released");
        assertThat(identities.path("evidence").toString()).contains("3 joiner(s)").contains("1 leaver(s)");
        assertThat(controls.get("PR.AA-05").path("status").asString()).isEqualTo("MET");
        assertThat(controls.get("Tenets 6-7").path("status").asString()).isEqualTo("MET");
        assertThat(controls.get("NHI3").path("status").asString()).isEqualTo("MET");

        Api.Response html = api.get("/api/v1/reports/compliance?format=html&" + period);
        assertThat(html.status()).isEqualTo(200);
        assertThat(html.contentType()).startsWith("text/html");
        assertThat(html.body()).startsWith("<!DOCTYPE html>").contains("PR.AA-01").contains("NHI3")
            .contains("on-call for the migration").doesNotContain("<script").doesNotContain("src=").doesNotContain("href=");

        Api.Response bad = api.get("/api/v1/reports/compliance?from=yesterday");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("field").asString()).isEqualTo("from");
        assertThat(api.get("/api/v1/reports/compliance?from=2026-01-02&to=2026-01-01").status()).isEqualTo(400);
        assertThat(new Api(base, null).get("/api/v1/reports/compliance").status()).isEqualTo(401);
        assertThat(api.get("/api/v1/audit?kind=REPORT_GENERATED").body()).contains("\"actor\":\"bootstrap\"");

        // the command line writes the same report
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        org.roster.cli.ImportCommandAccess.environment(Map.of("ROSTER_TOKEN", TOKEN));
        int status = Cli.run(new String[] {"report", "--format", "json", "--url", base, "--from", from.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"PR.AA-05\"").contains("\"intact\":true");

        // an edited audit record: the report says so first, and no control stands
        Long seq = jdbc.queryForObject("select min(seq) from audit_record where kind = 'TRANSITION'", Long.class);
        jdbc.update("update audit_record set detail = 'nothing happened' where seq = ?", seq);
        JsonNode tampered = api.get("/api/v1/reports/compliance?" + period).json();
        assertThat(tampered.path("integrity").path("intact").asBoolean()).isFalse();
        assertThat(tampered.path("integrity").path("brokenAt").asLong()).isEqualTo(seq);
        List<String> statuses = new ArrayList<>();
        tampered.path("controls").forEach(c -> statuses.add(c.path("status").asString()));
        assertThat(statuses).containsOnly("ATTENTION");
        assertThat(api.get("/api/v1/reports/compliance?format=html&" + period).body()).contains("The audit trail is broken");
    }

    private void settled() {
        await().atMost(Duration.ofSeconds(10)).until(() -> provisioning.count(OutboxEntry.Status.PENDING) == 0);
    }
}
