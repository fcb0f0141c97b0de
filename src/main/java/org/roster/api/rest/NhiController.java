package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.roster.api.security.RosterAuthentication;
import org.roster.nhi.Nhi;
import org.roster.nhi.NonHumanIdentities;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/nhi}: non-human identities, each with an owner who works here, a purpose and an
 * expiry; reviewed by the new owner after a handover or a move, confirmed or retired.
 */
@RestController
class NhiController {

    private final NonHumanIdentities nhis;

    NhiController(NonHumanIdentities nhis) {
        this.nhis = nhis;
    }

    @GetMapping("/api/v1/nhi")
    @Operation(summary = "Non-human identities by owner (employee number), kind, target and state")
    Paged<Nhi> list(@RequestParam(required = false) @Nullable String owner,
                    @RequestParam(required = false) @Nullable String kind,
                    @RequestParam(required = false) @Nullable String target,
                    @RequestParam(required = false) Nhi.@Nullable State state,
                    @RequestParam(defaultValue = "0") int page,
                    @RequestParam(required = false) @Nullable String cursor,
                    @RequestParam(defaultValue = "50") int size) {
        Nhi.Kind k = kind == null ? null : Nhi.Kind.fromWire(kind).orElseThrow(() -> new BadParameter("kind",
            "'" + kind + "' is not one of service-account, api-key, oauth-client, workload, ai-agent"));
        return Paging.keyed(page, size, cursor, (after, offset, limit) -> nhis.list(owner, k, target, state, after, offset, limit),
            Nhi::id, null);
    }

    @PostMapping("/api/v1/nhi")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Declare an NHI: name, kind, target, owner (employee number), purpose, expiresAt"
        + " (and actingFor for an AI agent)")
    Nhi declare(@RequestBody NonHumanIdentities.Declaration body) {
        return nhis.declare(body, RosterAuthentication.current());
    }

    @PostMapping("/api/v1/nhi/discover")
    @Operation(summary = "Read a target's non-human accounts: those nobody declared become orphans, declared ones"
        + " the target no longer has are retired")
    NonHumanIdentities.Discovery discover(@RequestParam String target) {
        return nhis.discover(target, RosterAuthentication.current());
    }

    @GetMapping("/api/v1/nhi/{id}")
    Nhi get(@PathVariable String id) {
        return nhis.find(id).orElseThrow(() -> new NotFound("NHI", id));
    }

    /** A decision's note, or the new owner. */
    record Decision(@Nullable String note, @Nullable String owner) {
    }

    @PostMapping("/api/v1/nhi/{id}/{action}")
    @Operation(summary = "confirm (still needed: active again), retire (disabled on its target, deleted after the grace"
        + " period), rotate (202: a new secret is queued, delivered to the secret sink only), or owner (an operator gives"
        + " it an owner)")
    org.springframework.http.ResponseEntity<Nhi> decide(@PathVariable String id, @PathVariable String action,
                                                        @RequestBody(required = false) @Nullable Decision body) {
        var me = RosterAuthentication.current();
        String note = body == null ? null : body.note();
        if (action.equalsIgnoreCase("rotate")) {
            // queued in the outbox: done when the target acknowledged and the sink took the new value
            return org.springframework.http.ResponseEntity.accepted().body(nhis.rotate(id, me));
        }
        return org.springframework.http.ResponseEntity.ok(switch (action.toLowerCase(Locale.ROOT)) {
            case "confirm" -> nhis.confirm(id, me, note);
            case "retire" -> nhis.retire(id, me, note);
            case "owner" -> {
                if (!me.has(org.roster.principals.Role.OPERATOR)) {
                    throw new Refused(HttpStatus.FORBIDDEN, "an operator gives an NHI its owner");
                }
                yield nhis.assignOwner(id, body == null ? null : body.owner(), me);
            }
            default -> throw new NotFound("action", action);
        });
    }
}
