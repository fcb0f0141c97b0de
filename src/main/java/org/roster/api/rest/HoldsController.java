package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.security.Principal;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.roster.plan.Hold;
import org.roster.plan.Holds;
import org.roster.plan.Plan;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/holds}: operations held by the safety guard or a segregation-of-duties conflict. */
@RestController
@RequestMapping("/api/v1/holds")
class HoldsController {

    private final Holds holds;

    HoldsController(Holds holds) {
        this.holds = holds;
    }

    /** A decision's note. */
    record Decision(@Nullable String note) {
    }

    /** A hold with the plans it keeps. */
    record Detail(Hold hold, List<Plan> plans) {
    }

    @GetMapping
    @Operation(summary = "Holds, newest first; status OPEN, APPROVED or REJECTED")
    Paged<Hold> list(@RequestParam(required = false) Hold.@Nullable Status status,
                     @RequestParam(defaultValue = "0") int page, @RequestParam(required = false) @Nullable String cursor, @RequestParam(defaultValue = "50") int size) {
        return Paging.keyed(page, size, cursor, (after, offset, limit) -> holds.list(status, Paging.position(after), offset, limit),
            h -> Paging.position(h.openedAt(), h.id()), () -> holds.count(status));
    }

    @GetMapping("/{id}")
    Detail get(@PathVariable String id) {
        Hold hold = holds.find(id).orElseThrow(() -> new NotFound("hold", id));
        return new Detail(hold, holds.plans(id));
    }

    @PostMapping("/{id}/approve")
    @Operation(summary = "Release the held operations to their targets, in the order they were held")
    Hold approve(@PathVariable String id, @RequestBody(required = false) @Nullable Decision body, Principal principal) {
        return holds.approve(id, principal.getName(), body == null ? null : body.note());
    }

    @PostMapping("/{id}/reject")
    @Operation(summary = "Discard the held operations: nothing of them is sent")
    Hold reject(@PathVariable String id, @RequestBody(required = false) @Nullable Decision body, Principal principal) {
        return holds.reject(id, principal.getName(), body == null ? null : body.note());
    }
}
