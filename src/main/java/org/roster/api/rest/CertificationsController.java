package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import org.jspecify.annotations.Nullable;
import org.roster.api.security.RosterAuthentication;
import org.roster.certification.Campaign;
import org.roster.certification.CampaignReport;
import org.roster.certification.CertificationItem;
import org.roster.certification.Certifications;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/certifications}: access certification campaigns, their items by reviewer, the
 * reviewers' decisions, and each campaign's report.
 */
@RestController
class CertificationsController {

    private final Certifications certifications;
    private final org.roster.certification.CampaignReports reports;

    CertificationsController(Certifications certifications, org.roster.certification.CampaignReports reports) {
        this.certifications = certifications;
        this.reports = reports;
    }

    @GetMapping("/api/v1/certifications")
    @Operation(summary = "Campaigns, newest first, by status (STARTING, OPEN, CLOSED)")
    Paged<Campaign> list(@RequestParam(required = false) Campaign.@Nullable Status status,
                         @RequestParam(defaultValue = "0") int page,
                         @RequestParam(required = false) @Nullable String cursor,
                         @RequestParam(defaultValue = "50") int size) {
        return Paging.keyed(page, size, cursor,
            (after, offset, limit) -> certifications.campaigns(status, Paging.position(after), offset, limit),
            c -> Paging.position(c.startedAt(), c.id()), null);
    }

    @PostMapping("/api/v1/certifications")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Start a campaign: from a definition {\"definition\": \"quarterly-privileged\"} or inline"
        + " {\"name\", \"scope\" (CEL over worker, state, access), \"reviewers\", \"duration\", \"onDeadline\"};"
        + " 202: it is STARTING while its items are generated, then OPEN")
    Campaign start(@RequestBody Certifications.Start body) {
        return certifications.start(body, RosterAuthentication.current());
    }

    @GetMapping("/api/v1/certifications/{id}")
    Campaign get(@PathVariable String id) {
        return certifications.campaign(id).orElseThrow(() -> new NotFound("campaign", id));
    }

    @GetMapping("/api/v1/certifications/{id}/items")
    @Operation(summary = "A campaign's items, by reviewer (an employee number, token:<name> or operators; yours by"
        + " default) and status, paged by cursor")
    Paged<CertificationItem> items(@PathVariable String id, @RequestParam(required = false) @Nullable String reviewer,
                                   @RequestParam(required = false) CertificationItem.@Nullable Status status,
                                   @RequestParam(required = false) @Nullable String cursor,
                                   @RequestParam(defaultValue = "100") int size) {
        if (size < 1 || size > Paging.MAX_SIZE) {
            throw new BadParameter("size", "must be between 1 and " + Paging.MAX_SIZE);
        }
        if (cursor != null && cursor.length() > 64) {
            throw new BadParameter("cursor", "is not a cursor this list gave (its 'next')");
        }
        return Paged.after(certifications.items(id, reviewer, status, cursor == null ? "" : cursor, size,
            RosterAuthentication.current()), size, CertificationItem::id);
    }

    /** A reviewer's decision: keep or revoke, and why. */
    record Decision(@Nullable String decision, @Nullable String reason) {
    }

    @PostMapping("/api/v1/certifications/{id}/items/{itemId}/decision")
    @Operation(summary = "Decide an item: {\"decision\": \"keep\" | \"revoke\", \"reason\": ...}; revoke plans the"
        + " removal through the planner (source certification)")
    CertificationItem decide(@PathVariable String id, @PathVariable String itemId,
                             @RequestBody(required = false) @Nullable Decision body) {
        CertificationItem item = certifications.item(itemId).filter(i -> i.campaignId().equals(id))
            .orElseThrow(() -> new NotFound("item", itemId));
        return certifications.decide(item.id(), body == null ? null : body.decision(), body == null ? null : body.reason(),
            RosterAuthentication.current());
    }

    /** One decision for many items. */
    record Decisions(java.util.@Nullable List<String> items, @Nullable String decision, @Nullable String reason) {
    }

    @PostMapping("/api/v1/certifications/{id}/decisions")
    @Operation(summary = "Decide many items at once (at most 1000): {\"items\": [ids], \"decision\", \"reason\"}; each"
        + " is decided on its own, and those refused are listed")
    Certifications.Bulk decideAll(@PathVariable String id, @RequestBody(required = false) @Nullable Decisions body) {
        return certifications.decideAll(id, body == null ? null : body.items(), body == null ? null : body.decision(),
            body == null ? null : body.reason(), RosterAuthentication.current());
    }

    @GetMapping(value = "/api/v1/certifications/{id}/report", produces = "application/json")
    @Operation(summary = "The campaign's report: completion per reviewer, decisions, revocations and when their target"
        + " acknowledged them, overdue items, suspiciously fast decisions")
    CampaignReport report(@PathVariable String id) {
        return reports.report(id).orElseThrow(() -> new NotFound("campaign", id));
    }
}
