package org.roster.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.roster.support.Api;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Guessing tokens is slowed to a few tries a minute per address, and every burst of failures is logged, never the token. */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + TokenGuessingTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:token-guessing;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.api.max-auth-failures-per-minute=5"})
class TokenGuessingTests {

    static final String TOKEN = "guessing-token-0123456789abcdef";

    @LocalServerPort
    int port;
    @Autowired
    MeterRegistry meters;

    @Test
    void afterTheLimitOfFailuresAnAddressIsRefusedUntilTheMinuteIsOver(CapturedOutput output) {
        String base = "http://127.0.0.1:" + port;
        assertThat(new Api(base, TOKEN).get("/api/v1/identities").status()).isEqualTo(200);

        for (int i = 0; i < 5; i++) {
            Api.Response r = new Api(base, "guess-number-" + i + "-abcdefghij").get("/scim/v2/Users");
            assertThat(r.status()).as("guess " + i).isEqualTo(401);
        }
        Api.Response throttled = new Api(base, "guess-number-6-abcdefghij").get("/api/v1/identities");
        Api.Response evenTheRightOne = new Api(base, TOKEN).get("/api/v1/identities");

        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.body()).contains("too many failed authentications");
        assertThat(evenTheRightOne.status()).as("the address waits, whatever it presents").isEqualTo(429);
        assertThat(meters.counter("roster.auth.failures").count()).isEqualTo(5);
        assertThat(output.getAll()).contains("authentication failed from 127.0.0.1: the bearer token is not valid")
            .contains("authentication failed 5 times within a minute from 127.0.0.1")
            .doesNotContain("guess-number-");
    }
}
