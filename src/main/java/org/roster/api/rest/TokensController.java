package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.roster.api.security.ApiTokens;
import org.roster.api.security.RouteRules;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/tokens}: API tokens an admin makes and revokes without editing the configuration
 * or restarting (a second approver, a feed's token rotated). The value is shown once, when made;
 * only its hash is kept. Both are audited.
 */
@RestController
@RequestMapping("/api/v1/tokens")
class TokensController {

    private final ApiTokens tokens;
    private final AuditLog audit;
    private final org.roster.hr.HrSourceSettings sources;
    private final org.springframework.transaction.support.TransactionTemplate tx;

    TokensController(ApiTokens tokens, AuditLog audit, org.roster.hr.HrSourceSettings sources,
                     org.springframework.transaction.support.TransactionTemplate tx) {
        this.tokens = tokens;
        this.audit = audit;
        this.sources = sources;
        this.tx = tx;
    }

    /** What to make: a name (the principal it acts as), its roles, and the HR sources it may push to (any when absent). */
    record NewToken(@Nullable String name, @Nullable List<String> roles, @Nullable List<String> sources) {
    }

    /** The token made; {@code token} is its value, shown this once. */
    record Created(String name, String token, List<String> roles, @Nullable List<String> sources) {
    }

    @PostMapping
    @Operation(summary = "Make a token with roles (hr-source, steward, operator, auditor, admin); its value is in the answer only")
    ResponseEntity<Created> create(@RequestBody NewToken request, Principal principal) {
        String name = request.name() == null ? "" : request.name().trim();
        if (!name.matches("[a-z0-9][a-z0-9._-]{0,63}") || name.equals("bootstrap")) {
            throw new BadParameter("name", "must be 1 to 64 lower-case letters, digits, '.', '_' or '-' (not 'bootstrap')");
        }
        List<String> roles = request.roles() == null ? List.of() : request.roles();
        if (roles.isEmpty()) {
            throw new BadParameter("roles", "give at least one of hr-source, steward, operator, auditor, admin");
        }
        for (String r : roles) {
            if (RouteRules.Role.fromWire(r).isEmpty()) {
                throw new BadParameter("roles", "'" + r + "' is not one of hr-source, steward, operator, auditor, admin");
            }
        }
        if (roles.size() > RouteRules.Role.values().length) {
            throw new BadParameter("roles", "at most " + RouteRules.Role.values().length + " roles");
        }
        if (request.sources() != null) {
            // HR sources Roster has: scim, or a configured source (which also bounds the list)
            for (String s : request.sources()) {
                if (!s.equals("scim") && sources.source(s).isEmpty()) {
                    throw new BadParameter("sources", "'" + s + "' is not an HR source (scim, or one of roster.hr.sources)");
                }
            }
        }
        // the token and its audit record are committed together, before the value is answered
        String token = java.util.Objects.requireNonNull(tx.execute(status -> {
            String made;
            try {
                made = tokens.issue(name, roles, request.sources(), principal.getName());
            } catch (IllegalArgumentException e) {
                throw new BadParameter("name", e.getMessage());
            }
            audit.append(new AuditEntry(null, "TOKEN_ISSUED", AuditEntry.Stage.REQUEST, principal.getName(), null,
                "API token '" + name + "' made with roles " + roles + (request.sources() == null ? ""
                    : " for sources " + request.sources()), null));
            return made;
        }));
        return ResponseEntity.created(URI.create("/api/v1/tokens/" + name))
            .body(new Created(name, token, roles, request.sources()));
    }

    @GetMapping
    @Operation(summary = "Tokens made through the API (never their values)")
    Paged<ApiTokens.Issued> list() {
        List<ApiTokens.Issued> all = tokens.issued();
        return new Paged<>(all, null, (long) all.size());
    }

    @DeleteMapping("/{name}")
    @Operation(summary = "Revoke a token made through the API: it stops working at once")
    ResponseEntity<Void> revoke(@PathVariable String name, Principal principal) {
        tx.executeWithoutResult(status -> {
            if (!tokens.revoke(name)) {
                throw new NotFound("token", name);
            }
            audit.append(new AuditEntry(null, "TOKEN_REVOKED", AuditEntry.Stage.REQUEST, principal.getName(), null,
                "API token '" + name + "' revoked", null));
        });
        return ResponseEntity.noContent().build();
    }
}
