package org.roster.nhi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.MutableClock;
import org.roster.support.ScimWorkers;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * With a moved clock: a credential older than its kind's maximum age is rotated once, through the
 * outbox, into a secret sink of the application's own; the compliance report counts it. A burst of
 * NHIs expiring at once is held by the safety guard like any mass disable: nothing is disabled until
 * an admin approves.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + NhiCredentialAgeTests.ADMIN,
    "roster.store.url=jdbc:h2:mem:nhi-age;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.policy.rules[0].name=account",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.nhi.max-credential-age.api-key=90d",
    "roster.nhi.discover-every=0",
    "roster.plan.guard.sources.nhi.max-count=3",
    "roster.plan.guard.sources.nhi.min-count=3"})
class NhiCredentialAgeTests {

    static final String ADMIN = "nhi-age-admin-token-0123456789";
    /** Ticking, so that a retry's backoff passes as it would in production. */
    static final MutableClock CLOCK = MutableClock.ticking(Instant.now());
    /** The application's own sink: what it was given, as "<name>=<secret>". */
    static final List<String> SUNK = new CopyOnWriteArrayList<>();

    @TestConfiguration
    static class Config {
        @Bean
        @Primary
        MutableClock testClock() {
            return CLOCK;
        }

        @Bean
        SecretSink sink() {
            return (nhi, secret) -> SUNK.add(nhi.name() + "=" + secret);
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    NonHumanIdentities nhis;

    @Test
    void anOldCredentialIsRotatedOnceAndAMassExpiryIsHeldByTheGuard() {
        Api admin = new Api("http://127.0.0.1:" + port, ADMIN);
        ScimWorkers.hire(admin, "A1", "ada", null);
        await().atMost(Duration.ofSeconds(10)).until(() ->
            admin.get("/api/v1/identities/A1").json().path("state").asString().equals("ACTIVE"));
        Instant start = CLOCK.instant();
        String key = declare(admin, "report-key", "api-key", start.plus(Duration.ofDays(300)));
        assertThat(nhis.rotateByAge()).as("a fresh credential").isZero();

        CLOCK.advance(Duration.ofDays(91));
        assertThat(nhis.rotateByAge()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(SUNK).as(() -> "retries: " + admin.get("/api/v1/audit?kind=OPERATION_RETRY").body() + " dead: "
                    + admin.get("/api/v1/audit?kind=OPERATION_DEAD").body())
                .anyMatch(s -> s.startsWith("report-key="));
        });
        await().atMost(Duration.ofSeconds(10)).until(() ->
            !admin.get("/api/v1/nhi/" + key).json().path("credential").path("rotatedAt").isNull());
        assertThat(nhis.rotateByAge()).as("rotated just now").isZero();
        String secret = SUNK.get(0).substring("report-key=".length());
        assertThat(admin.get("/api/v1/audit?kind=NHI_ROTATED").body()).contains("older than 90 days")
            .doesNotContain(secret);

        String report = admin.get("/api/v1/reports/compliance?from=" + start.minus(Duration.ofDays(1)) + "&to="
            + CLOCK.instant().plus(Duration.ofDays(1))).body();
        assertThat(report).contains("credentials rotated in the period: 1").contains("older than their kind's maximum age"
            + " now: 0");

        // five NHIs expire at once; the source nhi may disable three an hour: three go, two are held for an admin
        Instant soon = CLOCK.instant().plus(Duration.ofDays(1));
        for (int i = 0; i < 5; i++) {
            declare(admin, "batch-job-" + i, "service-account", soon);
        }
        CLOCK.advance(Duration.ofDays(2));
        assertThat(nhis.expireDue()).isEqualTo(5);
        assertThat(admin.get("/api/v1/holds?status=OPEN").body()).contains("nhi");
        assertThat(admin.get("/api/v1/audit?kind=OPERATIONS_HELD").body()).contains("NHI_DISABLE directory");
        await().atMost(Duration.ofSeconds(10)).until(() ->
            admin.get("/api/v1/nhi?state=EXPIRED").json().path("items").findValues("disabledAt").stream()
                .filter(v -> !v.isNull()).count() == 3);
        assertThat(admin.get("/api/v1/audit?kind=OPERATIONS_HELD").json().path("items").size()).isEqualTo(2);
    }

    private static String declare(Api admin, String name, String kind, Instant expires) {
        Api.Response r = admin.send("POST", "/api/v1/nhi", "application/json", """
            {"name": "%s", "kind": "%s", "target": "directory", "owner": "A1", "purpose": "weekly report",
             "expiresAt": "%s"}""".formatted(name, kind, expires));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asString();
    }
}
