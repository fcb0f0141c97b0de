package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.security.Principal;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.roster.grants.AccessGrant;
import org.roster.grants.AccessGrants;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Access outside policy: {@code /api/v1/exceptions} (approved by someone other than the requester,
 * revoked at expiry), {@code /api/v1/jit-requests} (approved, bounded in time) and
 * {@code /api/v1/access-reviews} (privileged access after a move, decided by its owner).
 */
@RestController
class GrantsController {

    private final AccessGrants grants;

    GrantsController(AccessGrants grants) {
        this.grants = grants;
    }

    /** A decision's note. */
    record Decision(@Nullable String note) {
    }

    @PostMapping("/api/v1/exceptions")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Request an exception: identity, target, entitlement, reason, expiresAt")
    AccessGrant requestException(@RequestBody AccessGrants.Request request, Principal principal) {
        return grants.requestException(request, principal.getName());
    }

    @GetMapping("/api/v1/exceptions")
    @Operation(summary = "Exceptions, newest first, by owner of the entitlement, identity or status")
    Paged<AccessGrant> exceptions(@RequestParam(required = false) AccessGrant.@Nullable Status status,
                                  @RequestParam(required = false) @Nullable String owner,
                                  @RequestParam(required = false) @Nullable String identity,
                                  @RequestParam(defaultValue = "0") int page,
                                  @RequestParam(required = false) @Nullable String cursor,
                                  @RequestParam(defaultValue = "50") int size) {
        return page(AccessGrant.Kind.EXCEPTION, status, owner, identity, page, size, cursor);
    }

    @PostMapping("/api/v1/jit-requests")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Request just-in-time access: identity, target, entitlement, reason, duration (ISO-8601)")
    AccessGrant requestJit(@RequestBody AccessGrants.Request request, Principal principal) {
        return grants.requestJit(request, principal.getName());
    }

    @GetMapping("/api/v1/jit-requests")
    Paged<AccessGrant> jit(@RequestParam(required = false) AccessGrant.@Nullable Status status,
                           @RequestParam(required = false) @Nullable String identity,
                           @RequestParam(defaultValue = "0") int page,
                           @RequestParam(required = false) @Nullable String cursor,
                           @RequestParam(defaultValue = "50") int size) {
        return page(AccessGrant.Kind.JIT, status, null, identity, page, size, cursor);
    }

    @GetMapping("/api/v1/access-reviews")
    @Operation(summary = "Reviews of privileged access after a move, by owner or status (OPEN: waiting)")
    Paged<AccessGrant> reviews(@RequestParam(required = false) AccessGrant.@Nullable Status status,
                               @RequestParam(required = false) @Nullable String owner,
                               @RequestParam(defaultValue = "0") int page,
                               @RequestParam(required = false) @Nullable String cursor,
                               @RequestParam(defaultValue = "50") int size) {
        return page(AccessGrant.Kind.REVIEW, status, owner, null, page, size, cursor);
    }

    private Paged<AccessGrant> page(AccessGrant.Kind kind, AccessGrant.@Nullable Status status, @Nullable String owner,
                                    @Nullable String identity, int page, int size, @Nullable String cursor) {
        return Paging.keyed(page, size, cursor,
            (after, offset, limit) -> grants.list(List.of(kind), status, owner, identity, Paging.position(after), offset, limit),
            g -> Paging.position(g.requestedAt(), g.id()), null);
    }

    @GetMapping({"/api/v1/exceptions/{id}", "/api/v1/jit-requests/{id}", "/api/v1/access-reviews/{id}"})
    AccessGrant get(@PathVariable String id) {
        return grants.find(id);
    }

    @PostMapping({"/api/v1/exceptions/{id}/approve", "/api/v1/jit-requests/{id}/approve"})
    @Operation(summary = "Approve: by someone other than the requester")
    AccessGrant approve(@PathVariable String id, @RequestBody(required = false) @Nullable Decision body,
                        Principal principal) {
        return grants.approve(id, org.roster.api.security.RosterAuthentication.current(), body == null ? null : body.note());
    }

    @PostMapping({"/api/v1/exceptions/{id}/reject", "/api/v1/jit-requests/{id}/reject"})
    AccessGrant reject(@PathVariable String id, @RequestBody(required = false) @Nullable Decision body,
                       Principal principal) {
        return grants.reject(id, org.roster.api.security.RosterAuthentication.current(), body == null ? null : body.note());
    }

    @PostMapping({"/api/v1/exceptions/{id}/revoke", "/api/v1/jit-requests/{id}/revoke"})
    @Operation(summary = "End an active grant before its expiry: the access is removed")
    AccessGrant revoke(@PathVariable String id, @RequestBody(required = false) @Nullable Decision body,
                       Principal principal) {
        return grants.revoke(id, org.roster.api.security.RosterAuthentication.current(), body == null ? null : body.note());
    }

    @PostMapping("/api/v1/access-reviews/{id}/keep")
    @Operation(summary = "The owner keeps the privileged access: it is restored")
    AccessGrant keep(@PathVariable String id, @RequestBody(required = false) @Nullable Decision body,
                     Principal principal) {
        return grants.approve(id, org.roster.api.security.RosterAuthentication.current(), body == null ? null : body.note());
    }

    @PostMapping("/api/v1/access-reviews/{id}/revoke")
    @Operation(summary = "The owner revokes the privileged access: it stays removed")
    AccessGrant revokeReviewed(@PathVariable String id, @RequestBody(required = false) @Nullable Decision body,
                               Principal principal) {
        return grants.reject(id, org.roster.api.security.RosterAuthentication.current(), body == null ? null : body.note());
    }
}
