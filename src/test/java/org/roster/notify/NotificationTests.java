package org.roster.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.ScimWorkers;
import org.roster.support.MutableClock;
import org.roster.support.RosterProcess;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Notifications reach a real SMTP server (GreenMail, started here) and a Slack-compatible webhook:
 * the owner is told a decision waits, reminded a day before it is due, and at the deadline their
 * manager is told; operators are told when the safety guard holds changes. The clock is moved by
 * hand; every message is audited and none carries a token.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + NotificationTests.ADMIN,
    "roster.store.url=jdbc:h2:mem:notifications;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.policy.rules[0].name=staff",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.policy.rules[0].grants[0].entitlement=staff",
    "roster.policy.catalogue.directory[0].name=staff",
    "roster.policy.catalogue.directory[1].name=vpn",
    "roster.policy.catalogue.directory[1].owner=owen@example.com",
    "roster.plan.guard.max-count=1",
    "roster.plan.guard.min-count=0",
    "roster.notifications.interval=200ms",
    "roster.notifications.operators[0]=ops@example.com",
    "roster.notifications.link-base=https://roster.example.com",
    "roster.work.decide-within=P3D",
    "roster.api.tokens[0].name=ops", "roster.api.tokens[0].roles=operator",
    "roster.api.tokens[0].token=" + NotificationTests.OPS})
class NotificationTests {

    static final String ADMIN = "notifications-admin-token-0123456789";
    static final String OPS = "notifications-ops-token-0123456789";
    static final java.util.concurrent.atomic.AtomicBoolean CHAT_FAILED_ONCE = new java.util.concurrent.atomic.AtomicBoolean();
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    static final GreenMail SMTP = new GreenMail(new ServerSetup(RosterProcess.freePort(), "127.0.0.1", "smtp"));
    static final List<String> CHAT = new CopyOnWriteArrayList<>();
    static final HttpServer CHAT_SERVER = chat();

    static {
        SMTP.start();
    }

    private static HttpServer chat() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hooks/roster", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                // the first "decision waits" message meets an outage: it must be retried, not lost
                if (body.contains("a decision waits") && CHAT_FAILED_ONCE.compareAndSet(false, true)) {
                    exchange.sendResponseHeaders(503, -1);
                    exchange.close();
                    return;
                }
                CHAT.add(body);
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void channels(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> SMTP.getSmtp().getPort());
        registry.add("roster.notifications.chat-url",
            () -> "http://127.0.0.1:" + CHAT_SERVER.getAddress().getPort() + "/hooks/roster");
    }

    @AfterAll
    static void stop() {
        SMTP.stop();
        CHAT_SERVER.stop(0);
    }

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

    @Test
    void theOwnerIsToldRemindedAndTheirManagerToldAtTheDeadline() throws Exception {
        Api admin = new Api("http://127.0.0.1:" + port, ADMIN);
        hire(admin, "E300", "mara", null);
        hire(admin, "E200", "owen", "E300");
        hire(admin, "E400", "noah", "E200");

        Api.Response requested = admin.send("POST", "/api/v1/exceptions", "application/json", """
            {"identity": "E400", "target": "directory", "entitlement": "vpn", "reason": "migration on-call",
             "expiresAt": "%s"}""".formatted(CLOCK.instant().plus(Duration.ofDays(10))));
        assertThat(requested.status()).as(requested.body()).isEqualTo(201);
        String id = requested.json().path("id").asString();

        MimeMessage assigned = awaitMail("owen@example.com", "a decision waits for you");
        assertThat(GreenMailUtil.getBody(assigned)).contains("migration on-call")
            .contains("https://roster.example.com/api/v1/exceptions/" + id).contains("the owner, owen@example.com")
            .doesNotContain(ADMIN);
        assertThat(mailsTo("mara@example.com")).as("nobody else yet").isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(CHAT_FAILED_ONCE::get);

        CLOCK.advance(Duration.ofDays(2).plusHours(1));
        awaitMail("owen@example.com", "reminder");
        await("the chat message retried after the outage").atMost(Duration.ofSeconds(10))
            .until(() -> CHAT.stream().anyMatch(c -> c.contains("a decision waits") && c.contains(id)));

        CLOCK.advance(Duration.ofDays(1));
        MimeMessage escalated = awaitMail("mara@example.com", "overdue decision");
        assertThat(GreenMailUtil.getBody(escalated)).contains("still waiting for the owner, owen@example.com");

        Thread.sleep(1000);
        assertThat(mailsTo("owen@example.com")).as("each told once, however often the notifier looks").hasSize(2);
        String audit = admin.get("/api/v1/audit?kind=NOTIFICATION_SENT&size=100").body();
        assertThat(audit).contains("assigned by mail to owen@example.com").contains("reminder by mail to owen@example.com")
            .contains("escalated by mail to mara@example.com").contains("assigned by chat");
        assertThat(admin.get("/api/v1/notifications").body()).contains("\"status\":\"SENT\"").doesNotContain(ADMIN);
    }

    @Test
    void operatorsAreToldWhenTheGuardHoldsChanges() {
        Api admin = new Api("http://127.0.0.1:" + port, ADMIN);
        String lee = hire(admin, "E500", "lee", null);
        String kim = hire(admin, "E600", "kim", null);

        admin.send("DELETE", "/scim/v2/Users/" + lee, "application/scim+json", "");
        admin.send("DELETE", "/scim/v2/Users/" + kim, "application/scim+json", "");

        MimeMessage held = awaitMail("ops@example.com", "changes held for review");
        assertThat(GreenMailUtil.getBody(held)).contains("directory").contains("https://roster.example.com/api/v1/holds/");
        String holdId = admin.get("/api/v1/holds?status=OPEN").json().path("items").get(0).path("id").asString();
        assertThat(new Api("http://127.0.0.1:" + port, OPS).get("/api/v1/me/tasks").body())
            .as("an operator's work").contains("\"kind\":\"HOLD\"").contains(holdId);
        assertThat(admin.get("/api/v1/me/tasks").body()).as("not the work of the feed that opened it")
            .doesNotContain(holdId);
    }

    @Test
    void theManagerIsToldWhenALeaversServiceAccountIsHandedToThem() {
        Api admin = new Api("http://127.0.0.1:" + port, ADMIN);
        hire(admin, "E310", "maud", null);
        String nils = hire(admin, "E710", "nils", "E310");
        await().atMost(Duration.ofSeconds(10)).until(() ->
            admin.get("/api/v1/identities/E710").json().path("state").asString().equals("ACTIVE"));
        assertThat(admin.send("POST", "/api/v1/nhi", "application/json", """
            {"name": "svc-nils", "kind": "service-account", "target": "directory", "owner": "E710",
             "purpose": "nightly export", "expiresAt": "%s"}""".formatted(CLOCK.instant().plus(Duration.ofDays(10))))
            .status()).isEqualTo(201);

        admin.send("DELETE", "/scim/v2/Users/" + nils, "application/scim+json", "");

        MimeMessage handed = awaitMail("maud@example.com", "a decision waits for you");
        assertThat(GreenMailUtil.getBody(handed)).contains("svc-nils").contains("handed to you from E710");
    }

    @Test
    void aReviewerIsToldOnceForAllTheirItemsInACampaign() {
        Api admin = new Api("http://127.0.0.1:" + port, ADMIN);
        hire(admin, "E320", "rita", null);
        hire(admin, "E721", "sven", "E320");
        hire(admin, "E722", "tove", "E320");
        await().atMost(Duration.ofSeconds(10)).until(() ->
            admin.get("/api/v1/identities/E722").json().path("accounts").findValues("entitlements").toString()
                .contains("staff"));
        Api.Response started = admin.send("POST", "/api/v1/certifications", "application/json", """
            {"name": "staff check", "scope": "worker.manager == 'E320'", "reviewers": ["manager"], "duration": "P5D"}""");
        assertThat(started.status()).as(started.body()).isEqualTo(202);

        MimeMessage told = awaitMail("rita@example.com", "a decision waits for you");
        assertThat(GreenMailUtil.getBody(told)).contains("2 access(es) to certify in campaign 'staff check'")
            .contains("/api/v1/certifications/" + started.json().path("id").asString());
        assertThat(mailsTo("rita@example.com")).as("one message for both items").hasSize(1);
    }

    private static List<MimeMessage> mailsTo(String address) {
        return Arrays.stream(SMTP.getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equals(address));
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static MimeMessage awaitMail(String to, String subject) {
        await().atMost(Duration.ofSeconds(15)).until(() -> mailsTo(to).stream().anyMatch(m -> subjectOf(m).contains(subject)));
        return mailsTo(to).stream().filter(m -> subjectOf(m).contains(subject)).findFirst().orElseThrow();
    }

    private static String subjectOf(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String hire(Api admin, String employeeNumber, String name, String manager) {
        return ScimWorkers.hire(admin, employeeNumber, name, manager);
    }
}
