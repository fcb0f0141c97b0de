package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.security.Principal;
import org.jspecify.annotations.Nullable;
import org.roster.hr.HrNotFoundException;
import org.roster.hr.Quarantine;
import org.roster.hr.QuarantinedRecord;
import org.roster.hr.WebhookEvents;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/quarantine}: HR records held back by validation, to release (corrected) or discard. */
@RestController
@RequestMapping("/api/v1/quarantine")
class QuarantineController {

    private final Quarantine quarantine;

    QuarantineController(Quarantine quarantine) {
        this.quarantine = quarantine;
    }

    @GetMapping
    @Operation(summary = "Quarantined HR records, oldest first; status OPEN, RELEASED or DISCARDED")
    Paged<QuarantinedRecord> list(@RequestParam(required = false) QuarantinedRecord.@Nullable Status status,
                                  @RequestParam(defaultValue = "0") int page, @RequestParam(required = false) @Nullable String cursor, @RequestParam(defaultValue = "50") int size) {
        // After the last page's record, not by offset: a bad export can hold a million rows
        return Paging.keyed(page, size, cursor, (after, offset, limit) -> quarantine.list(status, after, offset, limit),
            QuarantinedRecord::id, () -> quarantine.count(status));
    }

    @GetMapping("/{id}")
    QuarantinedRecord get(@PathVariable String id) {
        return quarantine.find(id).orElseThrow(() -> new HrNotFoundException("quarantined record", id));
    }

    @PostMapping("/{id}/release")
    @Operation(summary = "Apply the record; a body replaces it with a corrected event")
    WebhookEvents.Outcome release(@PathVariable String id, @RequestBody(required = false) @Nullable JsonNode corrected,
                                  Principal principal) {
        return quarantine.release(id, corrected, principal.getName());
    }

    @PostMapping("/{id}/discard")
    ResponseEntity<Void> discard(@PathVariable String id, Principal principal) {
        quarantine.discard(id, principal.getName());
        return ResponseEntity.noContent().build();
    }
}
