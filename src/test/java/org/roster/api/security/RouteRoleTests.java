package org.roster.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.roster.principals.Role;
import org.roster.support.Api;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every route the running application maps, against every role: allowed where its rule says, 403
 * elsewhere. The routes come from the application itself, so an endpoint added without a rule in
 * {@link RouteRules} fails here (it is also refused to everyone, by the deny-all fallback).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + RouteRoleTests.PREFIX + "admin",
    "roster.store.url=jdbc:h2:mem:route-roles;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.api.max-auth-failures-per-minute=1000",
    "roster.api.tokens[0].name=feed", "roster.api.tokens[0].token=" + RouteRoleTests.PREFIX + "hr-source",
    "roster.api.tokens[0].roles=hr-source",
    "roster.api.tokens[1].name=steward", "roster.api.tokens[1].token=" + RouteRoleTests.PREFIX + "steward",
    "roster.api.tokens[1].roles=steward",
    "roster.api.tokens[2].name=operator", "roster.api.tokens[2].token=" + RouteRoleTests.PREFIX + "operator",
    "roster.api.tokens[2].roles=operator",
    "roster.api.tokens[3].name=auditor", "roster.api.tokens[3].token=" + RouteRoleTests.PREFIX + "auditor",
    "roster.api.tokens[3].roles=auditor",
    "roster.api.tokens[4].name=workday-feed", "roster.api.tokens[4].token=" + RouteRoleTests.PREFIX + "workday",
    "roster.api.tokens[4].roles=hr-source", "roster.api.tokens[4].sources=workday",
    "roster.api.tokens[5].name=gateway", "roster.api.tokens[5].token=" + RouteRoleTests.PREFIX + "pep",
    "roster.api.tokens[5].roles=pep",
    "roster.api.tokens[6].name=rp", "roster.api.tokens[6].token=" + RouteRoleTests.PREFIX + "receiver",
    "roster.api.tokens[6].roles=receiver",
    "roster.hr.sources[0].name=workday", "roster.hr.sources[0].type=snapshot",
    "roster.hr.sources[1].name=sap", "roster.hr.sources[1].type=snapshot"})
class RouteRoleTests {

    static final String PREFIX = "route-role-token-0123456789-";

    @LocalServerPort
    int port;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private record Route(String method, String path) {
    }

    @Test
    void everyMappedRouteHasARuleAndEachRoleGetsExactlyWhatItSays() {
        Set<Route> routes = new LinkedHashSet<>();
        for (Map.Entry<RequestMappingInfo, ?> e : mappings.getHandlerMethods().entrySet()) {
            RequestMappingInfo info = e.getKey();
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String pattern : info.getPatternValues()) {
                for (RequestMethod m : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    routes.add(new Route(m.name(), pattern.replaceAll("\\{[^}]+}", "x")));
                }
            }
        }
        assertThat(routes).hasSizeGreaterThan(40);

        List<String> unruled = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (Route route : routes) {
            var rule = RouteRules.ruleFor(route.method(), route.path());
            if (rule.isEmpty() || rule.get().fallback()) {
                unruled.add(route.method() + " " + route.path());
                continue;
            }
            if (rule.get().open()) {
                continue;
            }
            for (Role role : Role.values()) {
                Api api = new Api("http://127.0.0.1:" + port, PREFIX + role.wire());
                int status = api.send(route.method(), route.path(), route.path().startsWith("/scim")
                    ? "application/scim+json" : "application/json", "{}").status();
                boolean allowed = rule.get().roles().contains(role);
                if (allowed == (status == 403) || status == 401) {
                    wrong.add(role.wire() + " " + route.method() + " " + route.path() + " -> " + status + " (rule: "
                        + rule.get().roles() + ")");
                }
            }
        }

        assertThat(unruled).as("routes without an authorization rule in RouteRules").isEmpty();
        assertThat(wrong).as("routes that did not answer as their rule says").isEmpty();
    }

    @Test
    void anAdminMakesAndRevokesTokensWithoutARestart() {
        String base = "http://127.0.0.1:" + port;
        Api admin = new Api(base, PREFIX + "admin");
        Api operator = new Api(base, PREFIX + "operator");

        Api.Response refused = operator.send("POST", "/api/v1/tokens", "application/json",
            "{\"name\": \"sneaky\", \"roles\": [\"admin\"]}");
        Api.Response made = admin.send("POST", "/api/v1/tokens", "application/json",
            "{\"name\": \"second-approver\", \"roles\": [\"operator\"]}");
        Api.Response badRole = admin.send("POST", "/api/v1/tokens", "application/json",
            "{\"name\": \"typo\", \"roles\": [\"operater\"]}");

        assertThat(refused.status()).isEqualTo(403);
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(badRole.status()).isEqualTo(400);
        assertThat(badRole.json().path("field").asString()).isEqualTo("roles");
        Api.Response badSource = admin.send("POST", "/api/v1/tokens", "application/json",
            "{\"name\": \"feed2\", \"roles\": [\"hr-source\"], \"sources\": [\"workday\", \"nope\"]}");
        assertThat(badSource.status()).isEqualTo(400);
        assertThat(badSource.json().path("field").asString()).isEqualTo("sources");
        Api second = new Api(base, made.json().path("token").asString());
        assertThat(second.get("/api/v1/holds").status()).isEqualTo(200);
        assertThat(second.get("/api/v1/tokens").status()).as("an operator is not an admin").isEqualTo(403);
        String listed = admin.get("/api/v1/tokens").body();
        assertThat(listed).contains("second-approver").doesNotContain(made.json().path("token").asString());

        assertThat(admin.send("DELETE", "/api/v1/tokens/" + made.json().path("id").asString(), "application/json", "").status()).isEqualTo(204);

        assertThat(second.get("/api/v1/holds").status()).isEqualTo(401);
        assertThat(admin.get("/api/v1/audit?kind=TOKEN_ISSUED").body()).contains("second-approver");
        assertThat(admin.get("/api/v1/audit?kind=TOKEN_REVOKED").body()).contains("second-approver");
    }

    @Test
    void anHrSourceTokenPushesToItsOwnSourcesOnly() {
        Api workday = new Api("http://127.0.0.1:" + port, PREFIX + "workday");

        Api.Response own = workday.send("POST", "/api/v1/hr/snapshots?source=workday", "text/csv",
            "employeeNumber,userName\nWD1,wd1\n");
        Api.Response other = workday.send("POST", "/api/v1/hr/snapshots?source=sap", "text/csv",
            "employeeNumber,userName\nSAP1,sap1\n");
        Api.Response scim = workday.send("POST", "/scim/v2/Users", "application/scim+json", "{}");

        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.body()).contains("not to 'sap'");
        assertThat(scim.status()).isEqualTo(403);
        assertThat(scim.body()).contains("urn:ietf:params:scim:api:messages:2.0:Error");
        assertThat(new Api("http://127.0.0.1:" + port, PREFIX + "admin").get("/api/v1/identities/SAP1").status())
            .isEqualTo(404);
    }

    @Test
    void everyRuleIsInTheTableASecurityReviewerReads() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs/security.md"));
        List<String> missing = new ArrayList<>();
        for (RouteRules.Rule rule : RouteRules.all()) {
            String row = "| " + (rule.method() == null ? "any" : rule.method().name()) + " | `" + rule.pattern() + "`";
            if (!doc.contains(row)) {
                missing.add(row);
            }
        }
        assertThat(missing).as("rules without a row in docs/security.md's rule table").isEmpty();
    }

    @Test
    void aNewRouteWithoutARuleIsRefusedEvenToTheAdmin() {
        Api admin = new Api("http://127.0.0.1:" + port, PREFIX + "admin");

        assertThat(admin.get("/api/v1/not-yet-ruled").status()).isEqualTo(403);
        assertThat(RouteRules.ruleFor("GET", "/api/v1/not-yet-ruled")).isEmpty();
    }
}
