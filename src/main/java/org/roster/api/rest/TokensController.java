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

    TokensController(ApiTokens tokens, AuditLog audit) {
        this.tokens = tokens;
        this.audit = audit;
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
        String token;
        try {
            token = tokens.issue(name, roles, request.sources(), principal.getName());
        } catch (IllegalArgumentException e) {
            throw new BadParameter("name", e.getMessage());
        }
        audit.append(new AuditEntry(null, "TOKEN_ISSUED", AuditEntry.Stage.REQUEST, principal.getName(), null,
            "API token '" + name + "' made with roles " + roles + (request.sources() == null ? ""
                : " for sources " + request.sources()), null));
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
        if (!tokens.revoke(name)) {
            throw new NotFound("token", name);
        }
        audit.append(new AuditEntry(null, "TOKEN_REVOKED", AuditEntry.Stage.REQUEST, principal.getName(), null,
            "API token '" + name + "' revoked", null));
        return ResponseEntity.noContent().build();
    }
}
