package org.roster.principals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.ScimWorkers;
import org.roster.support.Keycloak;
import org.roster.support.SignInBrowser;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * People sign in with OpenID Connect against a real Keycloak (authorization code flow, through its
 * login form), are linked to their HR record by e-mail, get roles from their IdP groups and from an
 * admin, decide what HR and the catalogue say they decide, and lose everything when HR says they left:
 * their session ends at the next request, and their open decisions move to their manager.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + SignInTests.ADMIN,
    "roster.store.url=jdbc:h2:mem:sign-in;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.sign-in.client-id=roster",
    "roster.sign-in.group-roles.roster-operators[0]=operator",
    "roster.policy.rules[0].name=staff",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.policy.rules[0].grants[0].entitlement=staff",
    "roster.policy.catalogue.directory[0].name=staff",
    "roster.policy.catalogue.directory[1].name=vpn",
    "roster.policy.catalogue.directory[1].owner=owen@example.com",
    "roster.policy.catalogue.directory[2].name=wiki"})
class SignInTests {

    static final String ADMIN = "sign-in-admin-token-0123456789";
    static final String REALM = "signin-" + UUID.randomUUID().toString().substring(0, 8);
    static final String PASSWORD = "pw-0123456789";

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        Keycloak kc = Keycloak.shared();
        kc.createRealm(REALM);
        String secret = kc.createSignInClient(REALM, "roster");
        for (String person : new String[] {"mia", "owen", "mara", "stranger"}) {
            String id = kc.createPerson(REALM, person, person + "@example.com", PASSWORD);
            if (person.equals("mia")) {
                kc.addToGroup(REALM, id, "roster-operators");
            }
        }
        registry.add("roster.sign-in.issuer", () -> kc.url() + "/realms/" + REALM);
        registry.add("roster.sign-in.client-secret", () -> secret);
    }

    @LocalServerPort
    int port;

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    @Test
    void peopleSignInAsTheirHrSelvesAndLoseEverythingWhenTheyLeave() {
        Api admin = new Api(base(), ADMIN);
        hire(admin, "E100", "mia", null);
        hire(admin, "E300", "mara", null);
        String owenId = hire(admin, "E200", "owen", "E300");
        hire(admin, "E400", "noah", "E200");

        // an operator by IdP group, linked to HR by e-mail
        SignInBrowser mia = new SignInBrowser(base());
        Api.Response signedIn = mia.signIn("mia", PASSWORD);
        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(200);
        assertThat(signedIn.contentType()).as("the flow ends on the console").startsWith("text/html");
        JsonNode me = mia.get("/api/v1/me").json();
        assertThat(me.path("name").asString()).isEqualTo("mia");
        assertThat(me.path("kind").asString()).isEqualTo("PERSON");
        assertThat(me.path("roles").toString()).isEqualTo("[\"operator\"]");
        assertThat(me.path("identity").path("employeeNumber").asString()).isEqualTo("E100");
        assertThat(me.path("identity").path("state").asString()).isEqualTo("ACTIVE");
        String miaCsrf = me.path("csrfToken").asString();
        assertThat(miaCsrf).isNotBlank();
        assertThat(mia.get("/api/v1/holds").status()).isEqualTo(200);
        assertThat(mia.get("/api/v1/tokens").status()).as("an operator is not an admin").isEqualTo(403);

        // nobody outside HR
        Api.Response stranger = new SignInBrowser(base()).signIn("stranger", PASSWORD);
        assertThat(stranger.status()).isEqualTo(403);
        assertThat(stranger.body()).contains("no HR record matches you");

        // nobody decides on their own access, even where their role decides (wiki has no owner: operators)
        String ownWiki = request(admin, "E100", "wiki");
        Api.Response withoutCsrf = mia.post("/api/v1/exceptions/" + ownWiki + "/approve", "{}", null);
        Api.Response own = mia.post("/api/v1/exceptions/" + ownWiki + "/approve", "{}", miaCsrf);
        assertThat(withoutCsrf.status()).as("a session's write needs the CSRF token").isEqualTo(403);
        assertThat(own.status()).isEqualTo(403);
        assertThat(own.body()).contains("nobody decides on their own access");

        // the owner named in the catalogue, with no role at all, finds the decision waiting
        String noahVpn = request(admin, "E400", "vpn");
        SignInBrowser owen = new SignInBrowser(base());
        owen.signIn("owen", PASSWORD);
        assertThat(owen.get("/api/v1/me").json().path("roles").isEmpty()).isTrue();
        JsonNode owenTasks = owen.get("/api/v1/me/tasks").json();
        assertThat(owenTasks.path("items").toString()).contains(noahVpn).contains("the owner, owen@example.com");
        assertThat(owen.get("/api/v1/holds").status()).as("no role: no operator's queue").isEqualTo(403);
        Api.Response notOperator = mia.post("/api/v1/exceptions/" + noahVpn + "/approve", "{}", miaCsrf);
        assertThat(notOperator.status()).isEqualTo(403);
        assertThat(notOperator.body()).contains("decided by the owner, owen@example.com, not mia");

        // owen leaves in HR: his session ends at the next request, his decision moves to his manager
        assertThat(admin.send("DELETE", "/scim/v2/Users/" + owenId, "application/scim+json", "").status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(10)).until(() ->
            admin.get("/api/v1/identities/E200").json().path("state").asString().equals("TERMINATED"));
        Api.Response ended = owen.get("/api/v1/me/tasks");
        assertThat(ended.status()).isEqualTo(401);
        assertThat(ended.body()).contains("your session has ended");
        Api.Response again = new SignInBrowser(base()).signIn("owen", PASSWORD);
        assertThat(again.status()).isEqualTo(403);
        assertThat(again.body()).contains("not working now");

        SignInBrowser mara = new SignInBrowser(base());
        mara.signIn("mara", PASSWORD);
        String maraCsrf = mara.get("/api/v1/me").json().path("csrfToken").asString();
        assertThat(mara.get("/api/v1/me/tasks").body()).contains(noahVpn).contains("the owner's manager, E300");
        Api.Response approved = mara.post("/api/v1/exceptions/" + noahVpn + "/approve", "{\"note\": \"covering\"}",
            maraCsrf);
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        assertThat(approved.json().path("status").asString()).isEqualTo("ACTIVE");
        assertThat(approved.json().path("decidedBy").asString()).isEqualTo("mara");

        // an admin gives mara a role in Roster: it holds from her next request, and it is audited
        assertThat(mara.get("/api/v1/audit").status()).isEqualTo(403);
        Api.Response assigned = admin.send("PUT", "/api/v1/principals/mara/roles", "application/json",
            "{\"roles\": [\"auditor\"]}");
        assertThat(assigned.status()).as(assigned.body()).isEqualTo(200);
        assertThat(mara.get("/api/v1/audit").status()).isEqualTo(200);
        assertThat(mara.put("/api/v1/principals/mara/roles", "{\"roles\": [\"admin\"]}", maraCsrf).status())
            .as("an auditor assigns no roles").isEqualTo(403);
        assertThat(admin.get("/api/v1/audit?kind=ROLES_ASSIGNED").body()).contains("roles assigned to mara: [auditor]");
        String principals = admin.get("/api/v1/principals").body();
        assertThat(principals).contains("\"name\":\"owen\"").contains("\"active\":false").contains("\"name\":\"mara\"");

        // signing out ends the session
        assertThat(mara.post("/logout", "", maraCsrf).status()).isEqualTo(204);
        assertThat(mara.get("/api/v1/me").status()).isEqualTo(401);
    }

    private String request(Api admin, String identity, String entitlement) {
        Api.Response r = admin.send("POST", "/api/v1/exceptions", "application/json", """
            {"identity": "%s", "target": "directory", "entitlement": "%s", "reason": "project",
             "expiresAt": "%s"}""".formatted(identity, entitlement, Instant.now().plus(Duration.ofDays(5))));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asString();
    }

    /** A worker pushed by SCIM, active now; returns the SCIM id. */
    private String hire(Api admin, String employeeNumber, String name, String manager) {
        String id = ScimWorkers.hire(admin, employeeNumber, name, manager);
        await().atMost(Duration.ofSeconds(10)).until(() ->
            admin.get("/api/v1/identities/" + employeeNumber).json().path("state").asString().equals("ACTIVE"));
        return id;
    }
}
