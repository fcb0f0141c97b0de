package org.roster.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.scim2.common.types.UserResource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roster.RosterApplication;
import org.roster.hr.ScimSchemas;
import org.roster.support.MutableClock;
import org.roster.support.ScimClients;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/** A scheduled termination is in the store: Roster stopped before it fell due acts on it when it starts again. */
class ScheduleSurvivesRestartTests {

    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    static final String TOKEN = "restart-token-0123456789abcdef";

    @Configuration(proxyBeanMethods = false)
    static class TestClock {
        @Bean
        @Primary
        MutableClock testClock() {
            return CLOCK;
        }
    }

    @TempDir
    Path store;

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(RosterApplication.class, TestClock.class).run(
            "--server.port=0", "--roster.demo.enabled=false", "--ROSTER_BOOTSTRAP_TOKEN=" + TOKEN,
            "--roster.store.url=jdbc:h2:file:" + store.resolve("roster") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
            "--roster.provisioning.targets[0].name=directory", "--roster.provisioning.targets[0].type=memory");
    }

    @Test
    void terminationThatFellDueWhileRosterWasDownActsAtStartAndIsFlaggedLate() throws Exception {
        try (ConfigurableApplicationContext first = start()) {
            int port = ((WebServerApplicationContext) first).getWebServer().getPort();
            var scim = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
            UserResource u = scim.create("Users", ScimClients.user("R1", "r1", "Sales", "employee", null));
            scim.modifyRequest("Users", u.getId())
                .replaceValue(ScimSchemas.WORKER + ":employmentStatus", "terminated")
                .replaceValue(ScimSchemas.WORKER + ":endDate", "2026-11-24")
                .invoke(UserResource.class);
            assertThat(first.getBean(Lifecycle.class).scheduledChange("R1"))
                .contains(Instant.parse("2026-11-25T00:00:00Z"));
        }

        CLOCK.set(Instant.parse("2026-11-25T06:00:00Z"));

        try (ConfigurableApplicationContext second = start()) {
            Lifecycle lifecycle = second.getBean(Lifecycle.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> lifecycle.find("R1").orElseThrow().state()
                == LifecycleState.TERMINATED);
            List<Transition> history = lifecycle.history("R1");
            Transition leaver = history.get(history.size() - 1);
            assertThat(leaver.kind()).isEqualTo(TransitionKind.LEAVER);
            assertThat(leaver.effectiveAt()).isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
            assertThat(leaver.late()).isEqualTo(Duration.ofHours(6));
            assertThat(lifecycle.scheduledChange("R1")).isEmpty();
        }
    }
}
