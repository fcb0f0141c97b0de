package org.roster.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.MutableClock;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * API tokens as managed objects: made with an expiry bounded by configuration, used (last use
 * listed), rotated with an overlap in which both values work, expired, and revoked; each audited.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + TokenLifecycleTests.ADMIN,
    "roster.store.url=jdbc:h2:mem:token-lifecycle;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.api.max-token-lifetime=P30D",
    "roster.api.token-rotation-overlap=PT2H"})
class TokenLifecycleTests {

    static final String ADMIN = "token-lifecycle-admin-0123456789";
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock testClock() {
            return CLOCK;
        }
    }

    @LocalServerPort
    int port;

    private Api admin() {
        return new Api("http://127.0.0.1:" + port, ADMIN);
    }

    @Test
    void aTokenIsMadeUsedRotatedWithOverlapAndExpires() {
        Api admin = admin();
        Api.Response tooLong = admin.send("POST", "/api/v1/tokens", "application/json",
            "{\"name\": \"long\", \"roles\": [\"auditor\"], \"expiresAt\": \"" + CLOCK.instant().plus(Duration.ofDays(31)) + "\"}");
        Api.Response made = admin.send("POST", "/api/v1/tokens", "application/json",
            "{\"name\": \"feed-a\", \"roles\": [\"hr-source\"], \"source\": \"scim\"}");

        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().path("field").asString()).isEqualTo("expiresAt");
        assertThat(tooLong.body()).contains("max-token-lifetime");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        String id = made.json().path("id").asString();
        String first = made.json().path("token").asString();
        assertThat(made.json().path("expiresAt").asString()).as("no expiresAt: the longest allowed")
            .isEqualTo(CLOCK.instant().plus(Duration.ofDays(30)).toString());
        assertThat(made.json().path("sources").get(0).asString()).isEqualTo("scim");
        assertThat(made.header("Location")).endsWith("/api/v1/tokens/" + id);

        Api feed = new Api("http://127.0.0.1:" + port, first);
        assertThat(feed.get("/scim/v2/Users").status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/tokens/" + id).json().path("lastUsedAt").asString())
            .isEqualTo(CLOCK.instant().toString());

        Api.Response rotated = admin.send("POST", "/api/v1/tokens/" + id + "/rotate", "application/json", "{}");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String second = rotated.json().path("token").asString();
        assertThat(second).isNotEqualTo(first);
        assertThat(rotated.json().path("previousValidUntil").asString())
            .isEqualTo(CLOCK.instant().plus(Duration.ofHours(2)).toString());
        Api renewed = new Api("http://127.0.0.1:" + port, second);
        assertThat(feed.get("/scim/v2/Users").status()).as("the old value works during the overlap").isEqualTo(200);
        assertThat(renewed.get("/scim/v2/Users").status()).isEqualTo(200);

        CLOCK.advance(Duration.ofHours(2));
        assertThat(feed.get("/scim/v2/Users").status()).as("the old value after the overlap").isEqualTo(401);
        assertThat(renewed.get("/scim/v2/Users").status()).isEqualTo(200);

        CLOCK.advance(Duration.ofDays(30));
        Api.Response expired = renewed.get("/scim/v2/Users");
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.body()).contains("expired");

        String audit = admin.get("/api/v1/audit?kind=TOKEN_ROTATED").body();
        assertThat(audit).contains("feed-a").doesNotContain(first).doesNotContain(second);
        assertThat(admin.get("/api/v1/audit?kind=TOKEN_ISSUED").body()).contains("feed-a").doesNotContain(first);
    }

    @Test
    void aRevokedTokenStopsAtOnceWithItsPreviousValue() {
        Api admin = admin();
        Api.Response made = admin.send("POST", "/api/v1/tokens", "application/json",
            "{\"name\": \"second-approver\", \"roles\": [\"operator\"]}");
        String id = made.json().path("id").asString();
        Api before = new Api("http://127.0.0.1:" + port, made.json().path("token").asString());
        Api after = new Api("http://127.0.0.1:" + port, admin.send("POST", "/api/v1/tokens/" + id + "/rotate",
            "application/json", "{\"overlap\": \"PT1H\"}").json().path("token").asString());
        assertThat(before.get("/api/v1/holds").status()).isEqualTo(200);

        assertThat(admin.send("DELETE", "/api/v1/tokens/" + id, "application/json", "").status()).isEqualTo(204);

        assertThat(before.get("/api/v1/holds").status()).isEqualTo(401);
        assertThat(after.get("/api/v1/holds").status()).isEqualTo(401);
        assertThat(admin.send("DELETE", "/api/v1/tokens/" + id, "application/json", "").status()).isEqualTo(404);
        assertThat(admin.get("/api/v1/audit?kind=TOKEN_REVOKED").body()).contains(id);
    }

    @Test
    void theBootstrapTokenIsListedButChangedOnlyWhereItComesFrom() {
        Api admin = admin();
        String listed = admin.get("/api/v1/tokens").body();

        Api.Response rotate = admin.send("POST", "/api/v1/tokens/bootstrap/rotate", "application/json", "{}");
        Api.Response tooMuchOverlap = admin.send("POST", "/api/v1/tokens/bootstrap/rotate", "application/json",
            "{\"overlap\": \"P1D\"}");

        assertThat(listed).contains("\"origin\":\"bootstrap\"").doesNotContain(ADMIN);
        assertThat(rotate.status()).isEqualTo(409);
        assertThat(rotate.body()).contains("ROSTER_BOOTSTRAP_TOKEN");
        assertThat(tooMuchOverlap.status()).isEqualTo(400);
        assertThat(tooMuchOverlap.json().path("field").asString()).isEqualTo("overlap");
    }
}
