package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditLog;
import org.roster.audit.AuditRecord;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/audit}: the audit log, oldest first. */
@RestController
@RequestMapping("/api/v1/audit")
class AuditController {

    private final AuditLog audit;

    AuditController(AuditLog audit) {
        this.audit = audit;
    }

    @GetMapping
    @Operation(summary = "Every HR event, decision and operation recorded for one identity")
    Paged<AuditRecord> list(@RequestParam(required = false) @Nullable String identity,
                            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "100") int size) {
        if (identity == null || identity.isBlank()) {
            throw new BadParameter("identity", "is required (the employee number)");
        }
        Paging p = Paging.of(page, size);
        return new Paged<>(audit.forIdentity(identity, p.offset(), p.size()), p.page(), p.size(),
            audit.countForIdentity(identity));
    }
}
