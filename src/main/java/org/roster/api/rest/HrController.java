package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import org.roster.hr.HrRecords;
import org.roster.hr.PendingReference;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/hr}: the state of HR ingest. */
@RestController
@RequestMapping("/api/v1/hr")
class HrController {

    private final HrRecords hr;

    HrController(HrRecords hr) {
        this.hr = hr;
    }

    /** A reviewer's decision. */
    record Resolution(String resolution, @org.jspecify.annotations.Nullable String note) {
    }

    @GetMapping("/reviews")
    @Operation(summary = "HR data to decide on, e.g. a new worker who looks like a returning one (REHIRE_MATCH)")
    Paged<org.roster.hr.HrReview> reviews(@RequestParam(required = false) org.roster.hr.HrReview.@org.jspecify.annotations.Nullable Status status,
                                          @RequestParam(defaultValue = "0") int page, @RequestParam(required = false) @org.jspecify.annotations.Nullable String cursor,
                                          @RequestParam(defaultValue = "50") int size) {
        return Paging.keyed(page, size, cursor, (after, offset, limit) -> hr.reviews(status, after, offset, limit),
            org.roster.hr.HrReview::id, () -> hr.countReviews(status));
    }

    @org.springframework.web.bind.annotation.PostMapping("/reviews/{id}/resolve")
    @Operation(summary = "Close a review: same-person or different-person, with a note")
    org.roster.hr.HrReview resolve(@org.springframework.web.bind.annotation.PathVariable String id,
                                   @org.springframework.web.bind.annotation.RequestBody Resolution body,
                                   java.security.Principal principal) {
        return hr.resolveReview(id, body.resolution(), body.note(), principal.getName());
    }

    @GetMapping("/pending-references")
    @Operation(summary = "References (managers) to workers Roster does not know yet, oldest first")
    Paged<PendingReference> pendingReferences(@RequestParam(defaultValue = "0") int page, @RequestParam(required = false) @org.jspecify.annotations.Nullable String cursor,
                                              @RequestParam(defaultValue = "50") int size) {
        Paging p = Paging.of(page, size, cursor);
        return Paged.of(hr.pendingReferences(p.offset(), p.size()), p, hr.countPendingReferences());
    }
}
