package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.roster.principals.ApiTokens;
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
    private final org.roster.api.ApiSettings settings;
    private final java.time.Clock clock;

    TokensController(ApiTokens tokens, AuditLog audit, org.roster.hr.HrSourceSettings sources,
                     org.springframework.transaction.support.TransactionTemplate tx, org.roster.api.ApiSettings settings,
                     java.time.Clock clock) {
        this.tokens = tokens;
        this.settings = settings;
        this.clock = clock;
        this.audit = audit;
        this.sources = sources;
        this.tx = tx;
    }

    /**
     * What to make: a name (the principal it acts as), its roles, the HR source it may push to
     * ({@code source}, or several as {@code sources}; any when absent), and when it expires (at most
     * {@code roster.api.max-token-lifetime} from now, which is also the default).
     */
    record NewToken(@Nullable String name, @Nullable List<String> roles, @Nullable String source,
                    @Nullable List<String> sources, @Nullable String expiresAt) {
    }

    /** The token made; {@code token} is its value, shown this once. */
    record Created(String id, String name, String token, List<String> roles, @Nullable List<String> sources,
                   @Nullable Instant expiresAt) {
    }

    /** A rotation: the new value (shown this once), and until when the old one still works. */
    record Rotated(String id, String name, String token, Instant previousValidUntil, @Nullable Instant expiresAt) {
    }

    /** How long the old value keeps working; {@code roster.api.token-rotation-overlap} when absent. */
    record Rotation(@Nullable String overlap) {
    }

    @PostMapping
    @Operation(summary = "Make a token with roles (hr-source, steward, operator, auditor, admin, pep, receiver); its value is in the answer only")
    ResponseEntity<Created> create(@RequestBody NewToken request, Principal principal) {
        String name = request.name() == null ? "" : request.name().trim();
        if (!name.matches("[a-z0-9][a-z0-9._-]{0,63}") || name.equals("bootstrap")) {
            throw new BadParameter("name", "must be 1 to 64 lower-case letters, digits, '.', '_' or '-' (not 'bootstrap')");
        }
        List<String> roles = request.roles() == null ? List.of() : request.roles();
        if (roles.isEmpty()) {
            throw new BadParameter("roles", "give at least one of hr-source, steward, operator, auditor, admin, pep, receiver");
        }
        if (roles.size() > org.roster.principals.Role.values().length) {
            throw new BadParameter("roles", "at most " + org.roster.principals.Role.values().length + " roles");
        }
        for (String r : roles) {
            if (org.roster.principals.Role.fromWire(r).isEmpty()) {
                throw new BadParameter("roles", "'" + r + "' is not one of hr-source, steward, operator, auditor, admin, pep, receiver");
            }
        }
        if (request.source() != null && request.sources() != null) {
            throw new BadParameter("source", "give source or sources, not both");
        }
        List<String> own = request.source() != null ? List.of(request.source()) : request.sources();
        if (own != null) {
            if (own.isEmpty() || own.size() > 100) {
                throw new BadParameter("sources", "give 1 to 100 sources, or leave it out for any");
            }
            // HR sources Roster has: scim, or a configured source (which also bounds the list)
            for (String s : own) {
                if (!s.equals("scim") && sources.source(s).isEmpty()) {
                    throw new BadParameter(request.source() != null ? "source" : "sources",
                        "'" + s + "' is not an HR source (scim, or one of roster.hr.sources)");
                }
            }
        }
        Instant now = clock.instant();
        Instant latest = now.plus(settings.maxTokenLifetime());
        Instant expiresAt = request.expiresAt() == null ? latest : Instants.parse("expiresAt", request.expiresAt());
        if (!expiresAt.isAfter(now)) {
            throw new BadParameter("expiresAt", "must be in the future");
        }
        if (expiresAt.isAfter(latest)) {
            throw new BadParameter("expiresAt", "must be within roster.api.max-token-lifetime ("
                + settings.maxTokenLifetime() + ") from now, at the latest " + latest);
        }
        // the token and its audit record are committed together, before the value is answered
        ApiTokens.Made made = java.util.Objects.requireNonNull(tx.execute(status -> {
            ApiTokens.Made m;
            try {
                m = tokens.issue(name, roles, own, expiresAt, principal.getName());
            } catch (IllegalArgumentException e) {
                throw new BadParameter("name", e.getMessage());
            }
            audit.append(new AuditEntry(null, "TOKEN_ISSUED", AuditEntry.Stage.REQUEST, principal.getName(), null,
                "API token '" + name + "' (" + m.id() + ") made with roles " + roles
                    + (own == null ? "" : " for sources " + own) + ", expires " + expiresAt, null));
            return m;
        }));
        return ResponseEntity.created(URI.create("/api/v1/tokens/" + made.id()))
            .body(new Created(made.id(), name, made.token(), roles, own, made.expiresAt()));
    }

    @GetMapping
    @Operation(summary = "Every token: bootstrap, configured and made through the API, with expiry and last use (never values)")
    Paged<ApiTokens.Stored> list() {
        List<ApiTokens.Stored> all = tokens.all();
        return new Paged<>(all, null, (long) all.size());
    }

    @GetMapping("/{id}")
    @Operation(summary = "One token, by id or name (never its value)")
    ApiTokens.Stored get(@PathVariable String id) {
        return tokens.find(id).orElseThrow(() -> new NotFound("token", id));
    }

    @PostMapping("/{id}/rotate")
    @Operation(summary = "A new value for a token made through the API; the old one works until the overlap ends")
    Rotated rotate(@PathVariable String id, @RequestBody(required = false) @Nullable Rotation body, Principal principal) {
        Duration overlap = body == null || body.overlap() == null ? settings.tokenRotationOverlap()
            : Instants.duration("overlap", body.overlap());
        if (overlap.isNegative() || overlap.compareTo(settings.tokenRotationOverlap()) > 0) {
            throw new BadParameter("overlap", "must be between PT0S and roster.api.token-rotation-overlap ("
                + settings.tokenRotationOverlap() + ")");
        }
        return java.util.Objects.requireNonNull(tx.execute(status -> {
            ApiTokens.Stored stored = apiMade(id);
            ApiTokens.Made made = tokens.rotate(stored, overlap);
            Instant oldUntil = clock.instant().plus(overlap);
            if (stored.expiresAt() != null && stored.expiresAt().isBefore(oldUntil)) {
                oldUntil = stored.expiresAt();
            }
            audit.append(new AuditEntry(null, "TOKEN_ROTATED", AuditEntry.Stage.REQUEST, principal.getName(), null,
                "API token '" + stored.name() + "' (" + stored.id() + ") rotated; the previous value works until "
                    + oldUntil, null));
            return new Rotated(stored.id(), stored.name(), made.token(), oldUntil, made.expiresAt());
        }));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Revoke a token made through the API: it stops working at once")
    ResponseEntity<Void> revoke(@PathVariable String id, Principal principal) {
        if (!tokens.revoke(apiMade(id), principal.getName())) {
            throw new NotFound("token", id);
        }
        return ResponseEntity.noContent().build();
    }

    private ApiTokens.Stored apiMade(String id) {
        ApiTokens.Stored stored = tokens.find(id).orElseThrow(() -> new NotFound("token", id));
        if (!stored.origin().equals("api")) {
            throw new Refused(org.springframework.http.HttpStatus.CONFLICT,
                "token '" + stored.name() + "' comes from " + (stored.origin().equals("bootstrap")
                    ? "ROSTER_BOOTSTRAP_TOKEN" : "roster.api.tokens") + ": change it there and restart");
        }
        return stored;
    }
}
