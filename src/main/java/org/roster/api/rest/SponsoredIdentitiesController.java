package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.security.Principal;
import org.jspecify.annotations.Nullable;
import org.roster.hr.HrNotFoundException;
import org.roster.sponsorship.Sponsorship;
import org.roster.sponsorship.Sponsorships;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/sponsored-identities}: people not in HR, each with a sponsor and an end date. */
@RestController
@RequestMapping("/api/v1/sponsored-identities")
class SponsoredIdentitiesController {

    private final Sponsorships sponsorships;

    SponsoredIdentitiesController(Sponsorships sponsorships) {
        this.sponsorships = sponsorships;
    }

    /** Who takes over a sponsorship. */
    record NewSponsor(String sponsor) {
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create an identity for someone not in HR, sponsored by an active worker, with an end date")
    Sponsorship create(@RequestBody Sponsorships.Request request, Principal principal) {
        return sponsorships.create(request, principal.getName());
    }

    @GetMapping
    @Operation(summary = "Sponsored identities; status ACTIVE or REVIEW (the sponsor left or moved)")
    Paged<Sponsorship> list(@RequestParam(required = false) Sponsorship.@Nullable Status status,
                            @RequestParam(defaultValue = "0") int page, @RequestParam(required = false) @Nullable String cursor, @RequestParam(defaultValue = "50") int size) {
        return Paging.keyed(page, size, cursor, (after, offset, limit) -> sponsorships.list(status, after, offset, limit),
            Sponsorship::employeeNumber, () -> sponsorships.count(status));
    }

    @GetMapping("/{employeeNumber}")
    Sponsorship get(@PathVariable String employeeNumber) {
        return sponsorships.find(employeeNumber)
            .orElseThrow(() -> new HrNotFoundException("sponsored identity", employeeNumber));
    }

    @PostMapping("/{employeeNumber}/sponsor")
    @Operation(summary = "Take over a sponsorship: back to ACTIVE with its agreed end date")
    Sponsorship reassign(@PathVariable String employeeNumber, @RequestBody NewSponsor body, Principal principal) {
        return sponsorships.reassign(employeeNumber, body.sponsor(), principal.getName());
    }
}
