package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.roster.plan.PolicyChanges;
import org.roster.policy.Policy;
import org.roster.policy.PolicyEngine;
import org.roster.policy.PolicySettings;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/policy}: the running policy, and reloading it from its file. */
@RestController
@RequestMapping("/api/v1/policy")
class PolicyController {

    private final PolicyEngine engine;
    private final PolicyChanges changes;

    PolicyController(PolicyEngine engine, PolicyChanges changes) {
        this.engine = engine;
        this.changes = changes;
    }

    /** The running policy: its version, where it came from, its rules and catalogue. */
    record Current(String version, String origin, List<PolicySettings.Rule> rules,
                   Map<String, List<PolicySettings.CatalogueEntry>> catalogue,
                   List<PolicySettings.Separation> segregationOfDuties) {
    }

    @GetMapping
    Current current() {
        Policy p = engine.current();
        return new Current(p.version(), p.origin(), p.settings().rules(), p.settings().catalogue(),
            p.settings().segregationOfDuties());
    }

    @PostMapping("/reload")
    @Operation(summary = "Re-read the policy file; refused with the file, rule and reason if it does not validate,"
        + " and the running policy stays. Recomputes the identities the change affects.")
    PolicyChanges.Outcome reload(Principal principal) {
        if (!engine.hasFile()) {
            throw new BadParameter("roster.policy.file", "is not set: the running policy is the one in the configuration"
                + " (" + engine.current().origin() + "), read at start; set roster.policy.file to a policy file to reload"
                + " it without a restart");
        }
        return changes.reload(principal.getName());
    }
}
