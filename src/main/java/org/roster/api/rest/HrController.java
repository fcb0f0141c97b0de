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

    @GetMapping("/pending-references")
    @Operation(summary = "References (managers) to workers Roster does not know yet, oldest first")
    Paged<PendingReference> pendingReferences(@RequestParam(defaultValue = "0") int page,
                                              @RequestParam(defaultValue = "50") int size) {
        Paging p = Paging.of(page, size);
        return new Paged<>(hr.pendingReferences(p.offset(), p.size()), p.page(), p.size(), hr.countPendingReferences());
    }
}
