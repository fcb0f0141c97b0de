package org.roster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.roster.cli.Cli;
import org.roster.cli.ImportCommandAccess;
import org.roster.support.Api;
import org.roster.support.RosterProcess;

/**
 * The README's first hour, on a separate JVM with the embedded defaults: the demo workers are there,
 * the example HR file imports with {@code roster import --source hr}, and the printed webhook
 * example's secret signs a delivery the demo webhook source accepts.
 */
class QuickStartTests {

    private static final String TOKEN = "quick-start-token-0123456789";

    @Test
    void theDemoShowsSnapshotsAndWebhooksWithoutAConfigurationFile() throws Exception {
        Path dir = RosterProcess.workDir("quick-start");
        int port = RosterProcess.freePort();
        try (RosterProcess roster = RosterProcess.startEmbedded(dir, port, Map.of("ROSTER_BOOTSTRAP_TOKEN", TOKEN),
                "roster.log")) {
            Api api = new Api(roster.baseUrl(), TOKEN);
            await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/identities/E1002").status() == 200);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImportCommandAccess.environment(Map.of("ROSTER_TOKEN", TOKEN, "ROSTER_URL", roster.baseUrl()));
            int status;
            try {
                status = Cli.run(new String[] {"import", Path.of("examples/hr-snapshot.csv").toAbsolutePath().toString(),
                    "--source", "hr"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
            } finally {
                ImportCommandAccess.restore();
            }
            assertThat(status).as(out.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(api.get("/api/v1/identities/E1007").json().path("state").asString()).isEqualTo("ACTIVE");
            assertThat(api.get("/api/v1/identities/E1003").json().path("worker").path("department").asString())
                .isEqualTo("Research");
            assertThat(api.get("/api/v1/quarantine?status=OPEN").body()).contains("E1008");

            String log = Files.readString(roster.log());
            assertThat(log).as("a normal start logs no warning").doesNotContain(" WARN ");
            Matcher secret = Pattern.compile("Send a webhook: S='([^']+)'").matcher(log);
            assertThat(secret.find()).as(log).isTrue();
            String body = "{\"eventId\":\"demo-1\",\"employeeNumber\":\"E1006\",\"changes\":{\"userName\":\"mary.jackson\","
                + "\"department\":\"Research\"}}";
            var r = org.roster.support.Webhooks.deliver(roster.baseUrl(), "workday", secret.group(1), body);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(api.get("/api/v1/identities/E1006").json().path("state").asString()).isEqualTo("ACTIVE");
            // each transition is one line of the log: what, who, from where, and the correlation id
            assertThat(Files.readString(roster.log())).contains("JOINER E1007: new -> ACTIVE by bootstrap from source hr")
                .contains("MOVER E1003: ACTIVE -> ACTIVE by bootstrap from source hr")
                .contains("JOINER E1006: new -> ACTIVE by source:workday from source workday (correlation ");

            // the console, as the README says: open the address printed at start, sign in with its password
            Matcher console = Pattern.compile("Console: (http://localhost:\\d+/) \\(sign in as local-admin with the"
                + " one-time password ([A-Za-z0-9_-]+),").matcher(Files.readString(roster.log()));
            assertThat(console.find()).isTrue();
            var browser = org.roster.support.Browser.shared();
            browser.executeCdpCommand("Network.clearBrowserCookies", Map.of());
            browser.get(console.group(1).replace("localhost", "127.0.0.1"));
            browser.findElement(org.openqa.selenium.By.id("password")).sendKeys("not-the-password");
            org.roster.support.Browser.follow(browser, browser.findElement(org.openqa.selenium.By.id("sign-in-local")));
            assertThat(browser.findElement(org.openqa.selenium.By.cssSelector("p.refused")).getText())
                .contains("Wrong name or password");
            browser.findElement(org.openqa.selenium.By.id("password")).sendKeys(console.group(2));
            org.roster.support.Browser.follow(browser, browser.findElement(org.openqa.selenium.By.id("sign-in-local")));
            assertThat(browser.findElement(org.openqa.selenium.By.id("sign-out")).getText()).contains("local-admin");
            org.roster.support.Browser.screenshot(browser, "quick-start-dashboard");
            browser.get(roster.baseUrl() + "/people?q=E1007");
            assertThat(browser.findElement(org.openqa.selenium.By.id("people")).getText()).contains("Katherine");
        }
    }
}
