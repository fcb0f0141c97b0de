package org.roster.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.roster.support.Api;
import org.roster.support.Browser;
import org.roster.support.Keycloak;
import org.roster.support.ScimWorkers;
import org.roster.support.Webhooks;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console in a real headless Chromium, signed in through the real Keycloak as each role would:
 * an operator follows a leaver from the dashboard to verified revocation on every target and
 * approves a hold, a steward releases a quarantined record with a correction, an operator runs a
 * preview, an auditor is refused what their role may not see, and every form control is labelled.
 * Screenshots of each page land in {@code target/console-screenshots}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + ConsoleTests.ADMIN,
    "roster.store.url=jdbc:h2:mem:console;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=ldap",
    "roster.provisioning.targets[0].ldap.embedded=true",
    "roster.provisioning.targets[0].ldap.base-dn=dc=example,dc=com",
    "roster.provisioning.targets[1].name=wiki",
    "roster.provisioning.targets[1].type=memory",
    "roster.policy.rules[0].name=staff",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.policy.rules[0].grants[0].entitlement=staff",
    "roster.policy.rules[0].grants[1].target=wiki",
    "roster.hr.sources[0].name=workday",
    "roster.hr.sources[0].type=webhook",
    "roster.hr.sources[0].secret=" + ConsoleTests.SECRET,
    "roster.plan.guard.sources.workday.max-count=1",
    "roster.plan.guard.sources.workday.min-count=0",
    "roster.sign-in.client-id=roster",
    "roster.sign-in.group-roles.roster-operators[0]=operator",
    "roster.sign-in.group-roles.roster-stewards[0]=steward",
    "roster.sign-in.group-roles.roster-auditors[0]=auditor",
    "roster.sign-in.group-roles.roster-admins[0]=admin"})
class ConsoleTests {

    static final String ADMIN = "console-admin-token-0123456789";
    static final String SECRET = "console-webhook-secret-0123456789";
    static final String REALM = "console-" + UUID.randomUUID().toString().substring(0, 8);
    static final String PASSWORD = "pw-0123456789";
    static final Map<String, String> PEOPLE = Map.of("olga", "roster-operators", "sam", "roster-stewards",
        "audrey", "roster-auditors", "ada", "roster-admins");

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        Keycloak kc = Keycloak.shared();
        kc.createRealm(REALM);
        String secret = kc.createSignInClient(REALM, "roster");
        PEOPLE.forEach((person, group) -> kc.addToGroup(REALM, kc.createPerson(REALM, person, person + "@example.com",
            PASSWORD), group));
        registry.add("roster.sign-in.issuer", () -> kc.url() + "/realms/" + REALM);
        registry.add("roster.sign-in.client-secret", () -> secret);
    }

    @LocalServerPort
    int port;

    private final ChromeDriver browser = Browser.shared();

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private Api admin() {
        Api admin = new Api(base(), ADMIN);
        if (admin.get("/api/v1/identities/E11").status() == 404) {
            ScimWorkers.hire(admin, "E11", "olga", null);
            ScimWorkers.hire(admin, "E12", "sam", null);
            ScimWorkers.hire(admin, "E13", "audrey", null);
            ScimWorkers.hire(admin, "E14", "ada", null);
            await().atMost(Duration.ofSeconds(10)).until(() -> state(admin, "E14").equals("ACTIVE"));
        }
        return admin;
    }

    private static String state(Api admin, String id) {
        return admin.get("/api/v1/identities/" + id).json().path("state").asString();
    }

    /** Signs in through Keycloak's own login page, from a browser with no cookies. */
    private void signIn(String person) {
        browser.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        browser.get(base() + "/");
        assertThat(browser.getCurrentUrl()).as("a page needs a sign-in").endsWith("/login");
        browser.findElement(By.id("sign-in-oidc")).click();
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
        browser.findElement(By.id("username")).sendKeys(person);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("kc-login")).click();
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.id("sign-out")));
        assertThat(browser.findElement(By.id("sign-out")).getText()).contains(person);
    }

    /** What the page said about a decision just made (waiting for the page the form led to). */
    private String outcome() {
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("p.done, p.refused")));
        return browser.findElement(By.cssSelector("p.done, p.refused")).getText();
    }

    /**
     * The text of an element of the dashboard, whose live part the page swaps for a fresh one
     * whenever something changes (htmx on a Server-Sent Event): found and read again if it was
     * swapped out between the two.
     */
    private String liveText(By by) {
        return waitFor().ignoring(StaleElementReferenceException.class).until(d -> d.findElement(by).getText());
    }

    private void follow(WebElement link) {
        Browser.follow(browser, link);
    }

    private WebDriverWait waitFor() {
        return new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    @Test
    void anOperatorFollowsALeaverFromTheDashboardToVerifiedRevocationOnEveryTarget() {
        Api admin = admin();
        String leo = ScimWorkers.hire(admin, "E21", "leo", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> state(admin, "E21").equals("ACTIVE"));

        signIn("olga");
        browser.get(base() + "/");
        assertThat(liveText(By.id("targets"))).contains("directory").contains("wiki");
        assertThat(browser.findElements(By.linkText("E21"))).isEmpty();

        // HR terminates leo while the dashboard is open: it updates itself (Server-Sent Events), no reload
        browser.executeScript("document.body.dataset.marker = 'same page'");
        assertThat(admin.send("DELETE", "/scim/v2/Users/" + leo, "application/scim+json", "").status()).isEqualTo(204);
        new WebDriverWait(browser, Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class)
            .until(d -> !d.findElements(By.linkText("E21")).isEmpty()
                && d.findElement(By.id("revocations")).getText().split("E21", -1).length == 3);
        assertThat(browser.executeScript("return document.body.dataset.marker")).isEqualTo("same page");
        Browser.screenshot(browser, "dashboard");
        waitFor().ignoring(StaleElementReferenceException.class).until(d -> {
            follow(d.findElement(By.id("revocations")).findElement(By.linkText("E21")));
            return true;
        });

        assertThat(browser.findElement(By.id("state")).getText()).isEqualTo("TERMINATED");
        String timeline = browser.findElement(By.id("timeline")).getText();
        assertThat(timeline).contains("LEAVER");
        List<WebElement> verified = browser.findElements(By.cssSelector("#timeline td.verification"));
        assertThat(verified.stream().map(WebElement::getText).filter(t -> t.startsWith("VERIFIED")).count())
            .as("verified gone on every target").isEqualTo(2);
        Browser.screenshot(browser, "person");
    }

    @Test
    void anOperatorApprovesAHoldFromTheirWork() {
        Api admin = admin();
        for (String id : List.of("E31", "E32")) {
            assertThat(Webhooks.deliver(base(), "workday", SECRET, event("hire-" + id, id, "{\"userName\": \"u" + id
                + "\", \"email\": \"" + id + "@example.com\", \"department\": \"Ops\"}")).statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> state(admin, "E32").equals("ACTIVE"));
        for (String id : List.of("E31", "E32")) {
            Webhooks.deliver(base(), "workday", SECRET, event("leave-" + id, id, "{\"active\": false}"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/api/v1/holds?status=OPEN").json().path("total").asLong() > 0);
        String hold = admin.get("/api/v1/holds?status=OPEN").json().path("items").get(0).path("id").asString();

        signIn("olga");
        follow(browser.findElement(By.id("nav-work")));
        Browser.screenshot(browser, "work");
        browser.findElement(By.id("reason-" + hold + "-approve")).sendKeys("HR confirmed both leavers by phone");
        follow(browser.findElement(By.id("approve-" + hold)));

        assertThat(outcome()).contains("approve recorded");
        assertThat(admin.get("/api/v1/holds/" + hold).json().path("hold").path("status").asString()).isEqualTo("APPROVED");
        assertThat(admin.get("/api/v1/holds/" + hold).json().path("hold").path("decidedBy").asString()).isEqualTo("olga");
    }

    @Test
    void aStewardReleasesAQuarantinedRecordWithACorrection() {
        Api admin = admin();
        assertThat(Webhooks.deliver(base(), "workday", SECRET, event("bad-E41", "E41",
            "{\"userName\": \"uE41\", \"email\": \"not-an-email\", \"department\": \"Ops\"}")).body()).contains("quarantined");

        signIn("sam");
        follow(browser.findElement(By.id("nav-work")));
        follow(browser.findElement(By.linkText("see the record and correct it")));
        assertThat(browser.findElement(By.id("why")).getText()).contains("email");
        WebElement record = browser.findElement(By.id("corrected"));
        String corrected = record.getAttribute("value").replace("not-an-email", "e41@example.com");
        record.clear();
        record.sendKeys(corrected);
        browser.findElement(By.id("reason-release")).sendKeys("typo in the HR system, confirmed with HR");
        Browser.screenshot(browser, "quarantined");
        follow(browser.findElement(By.id("release")));

        assertThat(outcome()).contains("release recorded");
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/api/v1/identities/E41").status() == 200);
        assertThat(admin.get("/api/v1/identities/E41").json().path("worker").path("email").asString())
            .isEqualTo("e41@example.com");
    }

    @Test
    void anOperatorDeclaresAServiceAccountForSomeoneElseFromTheConsole() {
        Api admin = admin();
        signIn("olga");
        browser.get(base() + "/nhi");
        String name = "svc-console-" + UUID.randomUUID().toString().substring(0, 6);
        declare(name, "E12", Instant.now().plus(Duration.ofDays(30)));
        assertThat(outcome()).contains(name).contains("declared, owned by E12");
        assertThat(admin.get("/api/v1/nhi?owner=E12").body()).contains(name);
        assertThat(browser.findElement(By.id("nhis")).getText()).contains(name);

        // a declaration Roster refuses says which field and why, and stores nothing
        declare(name + "-long", "E12", Instant.now().plus(Duration.ofDays(5 * 365)));
        assertThat(outcome()).contains("expiresAt").contains("beyond the longest");
        assertThat(admin.get("/api/v1/nhi?owner=E12").body()).doesNotContain(name + "-long");
    }

    private void declare(String name, String owner, Instant expires) {
        browser.findElement(By.cssSelector("#declare summary")).click();
        browser.findElement(By.id("nhi-name")).sendKeys(name);
        browser.findElement(By.id("nhi-owner")).clear();
        browser.findElement(By.id("nhi-owner")).sendKeys(owner);
        browser.findElement(By.id("nhi-purpose")).sendKeys("nightly export to the bank");
        browser.executeScript("arguments[0].value = arguments[1]", browser.findElement(By.id("nhi-expires")),
            expires.atZone(java.time.ZoneOffset.UTC).toLocalDate().toString());
        follow(browser.findElement(By.id("nhi-declare")));
    }

    @Test
    void anOperatorPreviewsAMove() {
        admin();
        signIn("olga");
        follow(browser.findElement(By.id("nav-preview")));
        // the changes come from a file, as an HR analyst would have them
        java.nio.file.Path file;
        try {
            file = java.nio.file.Files.createTempFile("move", ".json");
            java.nio.file.Files.writeString(file, "[{\"employeeNumber\": \"E12\", \"changes\": {\"department\": \"Finance\"}}]");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        browser.findElement(By.id("events-file")).sendKeys(file.toAbsolutePath().toString());
        waitFor().until(d -> d.findElement(By.id("events")).getDomProperty("value").contains("Finance"));
        follow(browser.findElement(By.id("run-preview")));

        String result = browser.findElement(By.id("preview-result")).getText();
        assertThat(result).contains("E12");
        Browser.screenshot(browser, "preview");
    }

    @Test
    void anAuditorIsRefusedWhatTheirRoleMayNotSee() {
        admin();
        signIn("audrey");
        assertThat(browser.findElements(By.id("nav-preview"))).isEmpty();
        assertThat(browser.findElements(By.id("nav-admin"))).isEmpty();

        browser.get(base() + "/preview");
        assertThat(browser.findElement(By.id("refusal")).getText()).contains("your roles do not let you open this page");
        browser.get(base() + "/admin");
        assertThat(browser.findElement(By.id("refusal")).getText()).contains("your roles do not let you open this page");
        browser.get(base() + "/evidence/audit?kind=HR_EVENT");
        assertThat(browser.findElement(By.id("records")).getText()).contains("HR_EVENT");
        Browser.screenshot(browser, "audit");
    }

    @Test
    void everyPageOpensForAnAdminAndEveryFormControlIsLabelled() {
        admin();
        signIn("ada");
        for (String page : List.of("/", "/work", "/people?q=olga", "/people/E11", "/nhi", "/certifications", "/targets", "/evidence/audit",
                "/evidence/report", "/preview", "/admin")) {
            browser.get(base() + page);
            assertThat(browser.findElements(By.id("problem"))).as(page).isEmpty();
            Object unlabelled = browser.executeScript("""
                return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
                  .filter(e => !(e.labels && e.labels.length) && !e.closest('label'))
                  .map(e => e.id || e.name);""");
            assertThat((List<?>) unlabelled).as("form controls without a label on " + page).isEmpty();
            Object errors = browser.executeScript("return window.__cspViolations || []");
            assertThat((List<?>) errors).as("CSP violations on " + page).isEmpty();
            Browser.screenshot(browser, page.equals("/") ? "admin-dashboard"
                : page.substring(1).replaceAll("[^a-z0-9]+", "-"));
        }
        browser.get(base() + "/people?q=olga");
        assertThat(browser.findElement(By.id("people")).getText()).contains("E11");

        // on a phone: nothing wider than the screen but the tables, which scroll inside their box
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            for (String page : List.of("/", "/work", "/people/E11", "/targets")) {
                browser.get(base() + page);
                Object wide = browser.executeScript(
                    "return document.documentElement.scrollWidth > window.innerWidth + 1");
                assertThat(wide).as(page + " wider than a phone").isEqualTo(false);
            }
            browser.get(base() + "/");
            Browser.screenshot(browser, "phone-dashboard");
        } finally {
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
        }
    }

    private static String event(String eventId, String employeeNumber, String changes) {
        return "{\"eventId\": \"" + eventId + "\", \"employeeNumber\": \"" + employeeNumber + "\", \"changes\": " + changes + "}";
    }
}
