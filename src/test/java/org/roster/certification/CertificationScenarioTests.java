package org.roster.certification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.roster.principals.Principal;
import org.roster.principals.Role;
import org.roster.runtime.WorkerLoop;
import org.roster.support.Api;
import org.roster.support.Databases;
import org.roster.support.MutableClock;
import org.roster.support.ScimWorkers;
import org.roster.support.Slapd;
import org.roster.support.TestTargets;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With a moved clock, against a real OpenLDAP: a quarterly campaign of privileged access starts on
 * its schedule; the manager keeps one item and revokes another (the group membership goes at once),
 * leaves mid-campaign (their last item goes to the named fallback), and what nobody decided is
 * revoked at the deadline; the report shows it all. A manager change starts a micro-certification of
 * the person-following access that the new manager answers. Nobody certifies their own access.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + CertificationScenarioTests.ADMIN,
    "roster.policy.rules[0].name=account",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.policy.rules[0].grants[0].entitlement=staff",
    "roster.policy.rules[1].name=it",
    "roster.policy.rules[1].when=worker.department == 'IT'",
    "roster.policy.rules[1].grants[0].target=directory",
    "roster.policy.rules[1].grants[0].entitlement=it-admins",
    "roster.policy.rules[1].grants[1].target=directory",
    "roster.policy.rules[1].grants[1].entitlement=project-x",
    "roster.policy.catalogue.directory[0].name=staff",
    "roster.policy.catalogue.directory[1].name=it-admins",
    "roster.policy.catalogue.directory[1].privileged=true",
    "roster.policy.catalogue.directory[2].name=project-x",
    "roster.policy.catalogue.directory[2].follows=person",
    "roster.certification.campaigns.quarterly-privileged.scope=access.privileged",
    "roster.certification.campaigns.quarterly-privileged.reviewers=manager,C8",
    "roster.certification.campaigns.quarterly-privileged.schedule=0 0 6 1 1,4,7,10 *",
    "roster.certification.campaigns.quarterly-privileged.duration=14d",
    "roster.nhi.discover-every=0"})
class CertificationScenarioTests {

    static final String ADMIN = "certification-admin-token-0123456789";
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2027-03-31T12:00:00Z"));

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock testClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void directory(DynamicPropertyRegistry r) {
        String store = Databases.freshH2FileUrl("certification");
        r.add("roster.store.url", () -> store);
        TestTargets.ldapDirectory(r, Slapd.shared());
    }

    @LocalServerPort
    int port;
    @Autowired
    Certifications certifications;
    @Autowired
    CampaignReports reports;
    @Autowired
    ApplicationContext context;

    private static Principal person(String identity, Role... roles) {
        return new Principal(identity.toLowerCase(java.util.Locale.ROOT), Principal.Kind.PERSON, Set.of(roles), identity,
            null);
    }

    private static List<String> groups(String employeeNumber) throws Exception {
        var entry = Slapd.shared().person(employeeNumber);
        return entry == null ? List.of() : Slapd.shared().groupsOf(entry.getDN());
    }

    private void tick() {
        context.getBean("certificationSchedule", WorkerLoop.class).wake();
    }

    @Test
    void aQuarterlyCampaignIsDecidedPartlyHandedOverWhenItsReviewerLeavesAndFinishedAtItsDeadline() throws Exception {
        Api admin = new Api("http://127.0.0.1:" + port, ADMIN);
        ScimWorkers.hire(admin, "C8", "cora", null, "Security", "Lead");
        String c0 = ScimWorkers.hire(admin, "C0", "carl", null, "IT", "Head");
        for (String id : List.of("C1", "C2", "C3")) {
            ScimWorkers.hire(admin, id, "it" + id.toLowerCase(java.util.Locale.ROOT), "C0", "IT", "Engineer");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> groups("C3").contains("it-admins"));

        // the schedule starts the quarterly campaign at 06:00 on the 1st of April
        CLOCK.set(Instant.parse("2027-04-01T06:00:01Z"));
        tick();
        await().atMost(Duration.ofSeconds(20)).until(() -> !certifications.campaigns(Campaign.Status.OPEN, 0, 10).isEmpty());
        Campaign c = certifications.campaigns(Campaign.Status.OPEN, 0, 10).get(0);
        assertThat(c.origin()).isEqualTo("SCHEDULE");
        List<CertificationItem> items = certifications.items(c.id(), "C0", null, "", 100, person("C0"));
        // C0's own it-admins is reviewed by C8 (C0 has no manager), the three engineers' by C0
        assertThat(items).extracting(CertificationItem::identity).containsExactlyInAnyOrder("C1", "C2", "C3");
        CertificationItem first = items.stream().filter(i -> i.identity().equals("C1")).findFirst().orElseThrow();
        assertThat(first.source()).isEqualTo("rule");
        assertThat(first.why()).contains("policy rule it");
        assertThat(first.peers()).as("C2 and C3 hold it too, with the same department and title").isEqualTo(2);
        assertThat(first.since()).isNotNull();
        assertThat(certifications.items(c.id(), "C8", null, "", 100, person("C8")))
            .extracting(CertificationItem::identity).containsExactly("C0");

        CertificationItem kept = certifications.decide(first.id(), "keep", "runs the on-call rota", person("C0"));
        assertThat(kept.status()).isEqualTo(CertificationItem.Status.KEPT);
        CertificationItem second = items.stream().filter(i -> i.identity().equals("C2")).findFirst().orElseThrow();
        certifications.decide(second.id(), "revoke", "moved to support work", person("C0"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !groups("C2").contains("it-admins"));
        assertThat(groups("C2")).as("only what was revoked goes").contains("staff", "project-x");
        assertThatThrownBy(() -> certifications.decide(second.id(), "keep", "again", person("C0")))
            .isInstanceOf(CertificationException.class).hasMessageContaining("decided already");
        assertThatThrownBy(() -> certifications.decide(first.id(), "keep", "mine", person("C1")))
            .isInstanceOf(CertificationException.class).hasMessageContaining("nobody certifies their own access");

        // C0 leaves mid-campaign: C3's item goes to the named fallback, C8
        assertThat(admin.send("DELETE", "/scim/v2/Users/" + c0, "application/scim+json", "").status()).isEqualTo(204);
        CertificationItem third = certifications.item(items.stream().filter(i -> i.identity().equals("C3")).findFirst()
            .orElseThrow().id()).orElseThrow();
        assertThat(third.reviewer()).isEqualTo("C8");
        assertThat(third.reviewerWhy()).contains("C8").contains("passed over").contains("does not work here now");

        // nobody decides: at the deadline the privileged access is revoked
        CLOCK.advance(Duration.ofDays(15));
        tick();
        await().atMost(Duration.ofSeconds(20)).until(() -> !groups("C3").contains("it-admins"));
        await().atMost(Duration.ofSeconds(10)).until(() ->
            certifications.campaign(c.id()).orElseThrow().status() == Campaign.Status.CLOSED);
        assertThat(groups("C1")).as("kept").contains("it-admins");

        CampaignReport report = reports.report(c.id()).orElseThrow();
        assertThat(report.decisions()).containsEntry("KEPT", 1L).containsEntry("REVOKED", 1L)
            .containsEntry("REVOKED_AT_DEADLINE", 1L).as("C0 left: nothing to decide").containsEntry("ENDED", 1L);
        assertThat(report.revocations()).hasSize(2).allSatisfy(r -> assertThat(r.acknowledgedAt()).isNotNull());
        assertThat(report.reviewers()).extracting(CampaignReport.ReviewerProgress::reviewer).contains("C0", "C8");
        assertThat(report.overdue()).isZero();
        String api = admin.get("/api/v1/certifications/" + c.id() + "/report").body();
        assertThat(api).contains("REVOKED_AT_DEADLINE");
        assertThat(admin.get("/api/v1/audit?kind=CERTIFICATION_REVIEWER_CHANGED").body()).contains("C8");

        // a manager change: the new manager confirms the access that followed the person
        String c1 = admin.get("/scim/v2/Users?filter=externalId%20eq%20%22C1%22").json().path("Resources").get(0)
            .path("id").asString();
        ScimWorkers.move(admin, c1, "Ops", "C8");
        await().atMost(Duration.ofSeconds(10)).until(() -> certifications.campaigns(Campaign.Status.OPEN, 0, 10).stream()
            .anyMatch(m -> "EVENT".equals(m.origin()) && "C1".equals(m.subject())));
        Campaign micro = certifications.campaigns(Campaign.Status.OPEN, 0, 10).stream()
            .filter(m -> "EVENT".equals(m.origin())).findFirst().orElseThrow();
        List<CertificationItem> follow = certifications.items(micro.id(), null, null, "", 10, person("C8"));
        assertThat(follow).extracting(CertificationItem::entitlement).containsExactly("project-x");
        assertThat(follow.get(0).source()).isEqualTo("kept_on_move");
        assertThat(follow.get(0).reviewer()).isEqualTo("C8");
        certifications.decide(follow.get(0).id(), "keep", "still on project X", person("C8"));
        assertThat(certifications.campaign(micro.id()).orElseThrow().open()).isZero();
    }
}
