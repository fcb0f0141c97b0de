package org.roster.api.security;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.roster.principals.Role;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Who may call what: one rule per endpoint, in one place, first match wins. Anything no rule names
 * is refused to everyone ({@code denyAll}), so an endpoint added without a rule is closed, and the
 * route-by-role test that walks every mapped route fails until it gets one.
 *
 * <p>The roles (issue 9 of the plan; see docs/security.md):
 * <ul>
 * <li>{@code hr-source}: pushes HR data (SCIM writes, snapshots); reads the SCIM view it writes;</li>
 * <li>{@code steward}: HR data quality: quarantine, rehire reviews, pending references, sponsored identities;</li>
 * <li>{@code operator}: targets, holds, manual tasks, reconciliation, policy reload and preview, grant decisions;</li>
 * <li>{@code auditor}: reads only: audit, identities, propagation, reports;</li>
 * <li>{@code admin}: everything (the bootstrap token).</li>
 * </ul>
 */
public final class RouteRules {

    /**
     * One rule.
     *
     * @param method the HTTP method, or null for any
     * @param pattern a Spring path pattern
     * @param roles who may; empty means open to anyone (authenticated by other means, or public)
     * @param fallback a catch-all for paths no endpoint has (so that they answer 404 as a protocol
     *     requires), never the rule of an endpoint: the route-by-role test refuses a mapped route
     *     that only a fallback matches
     * @param anyPrincipal open to every authenticated principal, with a role or none (a person who
     *     signed in): what the endpoint does is decided by relationship rights from HR (the owner of
     *     an entitlement, a manager), checked by the service behind it
     */
    public record Rule(@Nullable HttpMethod method, String pattern, Set<Role> roles, boolean fallback,
                       boolean anyPrincipal) {
        public boolean open() {
            return roles.isEmpty();
        }
    }

    private static final Set<Role> ANY = EnumSet.allOf(Role.class);
    private static final Set<Role> READERS = EnumSet.of(Role.STEWARD, Role.OPERATOR, Role.AUDITOR, Role.ADMIN);

    private static final List<Rule> RULES = List.of(
        // public: liveness, and the webhook (its own HMAC signature authenticates it)
        open(null, "/actuator/health/**"),
        open(HttpMethod.POST, "/api/v1/hr/events"),
        open(null, "/error"),
        // HR in
        rule(HttpMethod.GET, "/scim/v2/ServiceProviderConfig", ANY),
        rule(HttpMethod.GET, "/scim/v2/ResourceTypes/**", ANY),
        rule(HttpMethod.GET, "/scim/v2/Schemas/**", ANY),
        rule(HttpMethod.GET, "/scim/v2/Users/**", EnumSet.of(Role.HR_SOURCE, Role.STEWARD, Role.OPERATOR, Role.AUDITOR,
            Role.ADMIN)),
        rule(HttpMethod.POST, "/scim/v2/Users/.search", EnumSet.of(Role.HR_SOURCE, Role.STEWARD, Role.OPERATOR,
            Role.AUDITOR, Role.ADMIN)),
        rule(null, "/scim/v2/Users/**", EnumSet.of(Role.HR_SOURCE, Role.ADMIN)),
        rule(HttpMethod.POST, "/scim/v2/Bulk", EnumSet.of(Role.HR_SOURCE, Role.ADMIN)),
        // RFC 7644 §3.12: a SCIM resource that does not exist is a 404 for any authenticated client
        new Rule(null, "/scim/v2/**", ANY, true, false),
        rule(HttpMethod.POST, "/api/v1/hr/snapshots", EnumSet.of(Role.HR_SOURCE, Role.ADMIN)),
        // HR data quality
        rule(HttpMethod.GET, "/api/v1/quarantine/**", READERS),
        rule(HttpMethod.POST, "/api/v1/quarantine/**", EnumSet.of(Role.STEWARD, Role.ADMIN)),
        rule(HttpMethod.GET, "/api/v1/hr/**", READERS),
        rule(HttpMethod.POST, "/api/v1/hr/reviews/**", EnumSet.of(Role.STEWARD, Role.ADMIN)),
        rule(HttpMethod.GET, "/api/v1/sponsored-identities/**", READERS),
        rule(HttpMethod.POST, "/api/v1/sponsored-identities/**", EnumSet.of(Role.STEWARD, Role.OPERATOR, Role.ADMIN)),
        // identities and evidence
        rule(HttpMethod.GET, "/api/v1/identities/**", READERS),
        rule(HttpMethod.GET, "/api/v1/audit/**", EnumSet.of(Role.AUDITOR, Role.OPERATOR, Role.ADMIN)),
        rule(HttpMethod.POST, "/api/v1/audit/checkpoints", EnumSet.of(Role.OPERATOR, Role.ADMIN)),
        rule(HttpMethod.GET, "/api/v1/propagation/**", EnumSet.of(Role.AUDITOR, Role.OPERATOR, Role.ADMIN)),
        rule(HttpMethod.GET, "/api/v1/posture/**", EnumSet.of(Role.AUDITOR, Role.OPERATOR, Role.ADMIN)),
        rule(HttpMethod.GET, "/api/v1/reports/**", EnumSet.of(Role.AUDITOR, Role.OPERATOR, Role.ADMIN)),
        // operations
        rule(HttpMethod.GET, "/api/v1/holds/**", EnumSet.of(Role.OPERATOR, Role.AUDITOR, Role.ADMIN)),
        rule(HttpMethod.POST, "/api/v1/holds/**", EnumSet.of(Role.OPERATOR, Role.ADMIN)),
        rule(HttpMethod.GET, "/api/v1/tasks/**", EnumSet.of(Role.OPERATOR, Role.AUDITOR, Role.ADMIN)),
        rule(HttpMethod.POST, "/api/v1/tasks/**", EnumSet.of(Role.OPERATOR, Role.ADMIN)),
        rule(HttpMethod.GET, "/api/v1/reconciliations/**", EnumSet.of(Role.OPERATOR, Role.AUDITOR, Role.ADMIN)),
        rule(HttpMethod.POST, "/api/v1/reconciliations/**", EnumSet.of(Role.OPERATOR, Role.ADMIN)),
        rule(HttpMethod.GET, "/api/v1/findings/**", EnumSet.of(Role.OPERATOR, Role.AUDITOR, Role.ADMIN)),
        rule(HttpMethod.POST, "/api/v1/findings/**", EnumSet.of(Role.OPERATOR, Role.ADMIN)),
        rule(HttpMethod.GET, "/api/v1/policy/**", READERS),
        rule(HttpMethod.POST, "/api/v1/policy/reload", EnumSet.of(Role.OPERATOR, Role.ADMIN)),
        rule(HttpMethod.POST, "/api/v1/preview", EnumSet.of(Role.OPERATOR, Role.ADMIN)),
        // access outside policy: anyone may ask (a person asks for JIT access for themselves); who
        // decides comes from HR and the catalogue: the entitlement's owner, the manager where policy
        // says so, operators where the entitlement has no owner (AccessGrants checks it)
        rule(HttpMethod.GET, "/api/v1/exceptions/**", READERS),
        rule(HttpMethod.GET, "/api/v1/jit-requests/**", READERS),
        rule(HttpMethod.GET, "/api/v1/access-reviews/**", READERS),
        anyPrincipal(HttpMethod.POST, "/api/v1/exceptions"),
        anyPrincipal(HttpMethod.POST, "/api/v1/jit-requests"),
        anyPrincipal(HttpMethod.POST, "/api/v1/exceptions/*/*"),
        anyPrincipal(HttpMethod.POST, "/api/v1/jit-requests/*/*"),
        anyPrincipal(HttpMethod.POST, "/api/v1/access-reviews/*/*"),
        // non-human identities: read by those who read; declared and decided by their owner (the service
        // checks it: a person declares their own, decides those they own) or an operator
        rule(HttpMethod.GET, "/api/v1/nhi/**", READERS),
        // certification: campaigns are started by operators; reviewers see and decide their own items
        rule(HttpMethod.GET, "/api/v1/certifications", READERS),
        rule(HttpMethod.POST, "/api/v1/certifications", EnumSet.of(Role.OPERATOR, Role.ADMIN)),
        anyPrincipal(HttpMethod.GET, "/api/v1/certifications/*"),
        anyPrincipal(HttpMethod.GET, "/api/v1/certifications/*/items"),
        rule(HttpMethod.GET, "/api/v1/certifications/*/report", EnumSet.of(Role.OPERATOR, Role.AUDITOR, Role.ADMIN)),
        anyPrincipal(HttpMethod.POST, "/api/v1/certifications/*/items/*/decision"),
        anyPrincipal(HttpMethod.POST, "/api/v1/certifications/*/decisions"),
        rule(HttpMethod.POST, "/api/v1/nhi/discover", EnumSet.of(Role.OPERATOR, Role.ADMIN)),
        anyPrincipal(HttpMethod.POST, "/api/v1/nhi"),
        anyPrincipal(HttpMethod.POST, "/api/v1/nhi/*/*"),
        // the caller: who they are, and the work waiting for them
        anyPrincipal(HttpMethod.GET, "/api/v1/me"),
        anyPrincipal(HttpMethod.GET, "/api/v1/me/tasks"),
        rule(HttpMethod.GET, "/api/v1/notifications/**", EnumSet.of(Role.OPERATOR, Role.AUDITOR, Role.ADMIN)),
        // principals: API tokens and people's role assignments, by an admin
        rule(null, "/api/v1/tokens/**", EnumSet.of(Role.ADMIN)),
        rule(null, "/api/v1/principals/**", EnumSet.of(Role.ADMIN)),
        // Shared Signals: metadata and keys are public; receivers manage and poll their own streams
        open(HttpMethod.GET, "/.well-known/ssf-configuration"),
        open(HttpMethod.GET, "/ssf/jwks"),
        rule(null, "/ssf/streams", EnumSet.of(Role.RECEIVER, Role.ADMIN)),
        rule(null, "/ssf/status", EnumSet.of(Role.RECEIVER, Role.ADMIN)),
        rule(HttpMethod.POST, "/ssf/subjects:*", EnumSet.of(Role.RECEIVER, Role.ADMIN)),
        rule(HttpMethod.POST, "/ssf/verify", EnumSet.of(Role.RECEIVER, Role.ADMIN)),
        rule(HttpMethod.POST, "/ssf/poll/*", EnumSet.of(Role.RECEIVER, Role.ADMIN)),
        rule(HttpMethod.POST, "/api/v1/ssf/keys/rotate", EnumSet.of(Role.ADMIN)),
        // lifecycle event subscribers: configured, read by those who watch delivery
        rule(HttpMethod.GET, "/api/v1/subscribers", EnumSet.of(Role.OPERATOR, Role.AUDITOR, Role.ADMIN)),
        // AuthZEN: decisions for policy enforcement points; the metadata is public
        open(HttpMethod.GET, "/.well-known/authzen-configuration"),
        rule(HttpMethod.POST, "/access/v1/evaluation", EnumSet.of(Role.PEP, Role.OPERATOR, Role.ADMIN)),
        rule(HttpMethod.POST, "/access/v1/evaluations", EnumSet.of(Role.PEP, Role.OPERATOR, Role.ADMIN)),
        // the console: pages for people (a person with no role sees their own work)
        open(HttpMethod.GET, "/login"),
        open(HttpMethod.GET, "/webjars/**"),
        open(HttpMethod.GET, "/console/**"),
        open(HttpMethod.GET, "/favicon.ico"),
        anyPrincipal(HttpMethod.GET, "/"),
        anyPrincipal(HttpMethod.GET, "/work/**"),
        anyPrincipal(HttpMethod.GET, "/live"),
        anyPrincipal(HttpMethod.POST, "/work/**"),
        rule(HttpMethod.GET, "/people/**", READERS),
        rule(HttpMethod.GET, "/nhi", READERS),
        rule(HttpMethod.POST, "/nhi", READERS),
        rule(HttpMethod.GET, "/certifications/**", EnumSet.of(Role.OPERATOR, Role.AUDITOR, Role.ADMIN)),
        rule(HttpMethod.POST, "/certifications", EnumSet.of(Role.OPERATOR, Role.ADMIN)),
        rule(HttpMethod.GET, "/targets/**", EnumSet.of(Role.OPERATOR, Role.AUDITOR, Role.ADMIN)),
        rule(HttpMethod.POST, "/targets/**", EnumSet.of(Role.OPERATOR, Role.ADMIN)),
        rule(HttpMethod.GET, "/evidence/**", EnumSet.of(Role.AUDITOR, Role.OPERATOR, Role.ADMIN)),
        rule(null, "/preview", EnumSet.of(Role.OPERATOR, Role.ADMIN)),
        rule(null, "/admin/**", EnumSet.of(Role.ADMIN)),
        // the API's own description and metrics
        rule(HttpMethod.GET, "/v3/api-docs/**", ANY),
        rule(HttpMethod.GET, "/v3/api-docs.yaml", ANY),
        rule(HttpMethod.GET, "/swagger-ui/**", ANY),
        rule(HttpMethod.GET, "/swagger-ui.html", ANY),
        rule(HttpMethod.GET, "/actuator/**", EnumSet.of(Role.OPERATOR, Role.AUDITOR, Role.ADMIN)));

    private static final PathPatternParser PARSER = PathPatternParser.defaultInstance;
    private static final List<PathPattern> PATTERNS = RULES.stream().map(r -> PARSER.parse(r.pattern())).toList();

    private RouteRules() {
    }

    public static List<Rule> all() {
        return RULES;
    }

    /** The first rule for a request, if any: what Spring Security applies to it. */
    public static Optional<Rule> ruleFor(String method, String path) {
        PathContainer p = PathContainer.parsePath(path);
        for (int i = 0; i < RULES.size(); i++) {
            Rule r = RULES.get(i);
            if ((r.method() == null || r.method().name().equals(method)) && PATTERNS.get(i).matches(p)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    private static Rule rule(@Nullable HttpMethod method, String pattern, Set<Role> roles) {
        return new Rule(method, pattern, Set.copyOf(roles), false, false);
    }

    private static Rule anyPrincipal(HttpMethod method, String pattern) {
        return new Rule(method, pattern, ANY, false, true);
    }

    private static Rule open(@Nullable HttpMethod method, String pattern) {
        return new Rule(method, pattern, Set.of(), false, false);
    }
}
