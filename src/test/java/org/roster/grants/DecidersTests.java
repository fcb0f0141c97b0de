package org.roster.grants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.roster.principals.Principal;
import org.roster.principals.Role;
import org.roster.support.Api;
import org.roster.support.ScimWorkers;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Who decides access outside policy, from HR and the catalogue, asked at the moment of the decision:
 * the owner named by employee number, the holder's manager where the catalogue says so, the
 * fallback owner once the owner has left (before the owner's manager), never the holder themselves.
 * People are given as the principals a sign-in makes (SignInTests shows the sign-in itself).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + DecidersTests.ADMIN,
    "roster.store.url=jdbc:h2:mem:deciders;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.policy.catalogue.directory[0].name=payroll",
    "roster.policy.catalogue.directory[0].owner=E200",
    "roster.policy.catalogue.directory[0].fallback-owner=fiona@example.com",
    "roster.policy.catalogue.directory[0].decided-by=owner,manager",
    "roster.policy.catalogue.directory[1].name=wiki",
    "roster.policy.catalogue.directory[2].name=staff",
    "roster.policy.rules[0].name=staff",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.policy.rules[0].grants[0].entitlement=staff"})
class DecidersTests {

    static final String ADMIN = "deciders-admin-token-0123456789";

    @LocalServerPort
    int port;
    @Autowired
    AccessGrants grants;
    @Autowired
    Deciders deciders;

    private static Principal person(String name, String identity) {
        return new Principal(name, Principal.Kind.PERSON, Set.of(), identity, name + "@example.com");
    }

    @Test
    void theOwnerTheHoldersManagerAndTheFallbackOwnerDecideNeverTheHolder() {
        Api admin = new Api("http://127.0.0.1:" + port, ADMIN);
        ScimWorkers.hire(admin, "E300", "mara", null);
        String owen = ScimWorkers.hire(admin, "E200", "owen", "E300");
        ScimWorkers.hire(admin, "E700", "fiona", null);
        ScimWorkers.hire(admin, "E500", "nina", null);
        ScimWorkers.hire(admin, "E400", "noah", "E500");
        await().atMost(Duration.ofSeconds(10)).until(() ->
            admin.get("/api/v1/identities/E400").json().path("state").asString().equals("ACTIVE"));

        AccessGrant first = request("E400", "payroll");
        assertThat(deciders.of(first).why()).isEqualTo("the owner, E200, or the manager of E400, E500");
        assertThatThrownBy(() -> grants.approve(first.id(), person("noah", "E400"), null))
            .hasMessageContaining("nobody decides on their own access");
        assertThatThrownBy(() -> grants.approve(first.id(), Principal.token("ops", Set.of(Role.OPERATOR)), null))
            .as("an operator does not decide an owned entitlement").hasMessageContaining("is decided by the owner, E200");
        assertThat(grants.approve(first.id(), person("nina", "E500"), "fine").status()).isEqualTo(AccessGrant.Status.ACTIVE);

        AccessGrant second = request("E400", "payroll");
        assertThat(deciders.may(second, person("owen", "E200"))).isTrue();
        assertThat(admin.send("DELETE", "/scim/v2/Users/" + owen, "application/scim+json", "").status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(10)).until(() ->
            admin.get("/api/v1/identities/E200").json().path("state").asString().equals("TERMINATED"));

        assertThat(deciders.of(second).why()).startsWith("the fallback owner, fiona@example.com (the owner E200 does not"
            + " work here now)");
        assertThat(deciders.may(second, person("owen", "E200"))).as("a leaver decides nothing").isFalse();
        assertThat(deciders.may(second, person("mara", "E300")))
            .as("the fallback owner comes before the owner's manager").isFalse();
        assertThat(grants.approve(second.id(), person("fiona", "E700"), null).decidedBy()).isEqualTo("fiona");

        AccessGrant unowned = request("E400", "wiki");
        assertThat(deciders.of(unowned).why()).isEqualTo("operators (the entitlement has no owner)");
        assertThat(grants.approve(unowned.id(), Principal.token("ops", Set.of(Role.OPERATOR)), null).status())
            .isEqualTo(AccessGrant.Status.ACTIVE);
    }

    private AccessGrant request(String identity, String entitlement) {
        return grants.requestException(new AccessGrants.Request(identity, "directory", entitlement, "quarter end",
            Instant.now().plus(Duration.ofDays(3)), null), "requester");
    }
}
