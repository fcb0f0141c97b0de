package org.roster.api.console;

import org.jspecify.annotations.Nullable;
import org.roster.api.security.RosterAuthentication;
import org.roster.grants.AccessGrants;
import org.roster.hr.HrRecords;
import org.roster.hr.Quarantine;
import org.roster.plan.Holds;
import org.roster.principals.Principal;
import org.roster.principals.Role;
import org.roster.provisioning.Provisioning;
import org.roster.work.Work;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * "My work": everything waiting for the signed-in person, and the decisions made from there. Each
 * decision asks for a reason and goes through the same services, rights and audit as the API: the
 * route lets any principal in, and each action checks the right it needs (the grants service checks
 * who decides; holds and manual tasks need an operator, quarantine and rehire reviews a steward).
 */
@Controller
class WorkController {

    private final Work work;
    private final AccessGrants grants;
    private final Holds holds;
    private final Quarantine quarantine;
    private final HrRecords hr;
    private final Provisioning provisioning;
    private final org.roster.nhi.NonHumanIdentities nhis;
    private final org.roster.certification.Certifications certifications;
    private final JsonMapper json = JsonMapper.builder().build();

    WorkController(Work work, AccessGrants grants, Holds holds, Quarantine quarantine, HrRecords hr,
                   Provisioning provisioning, org.roster.nhi.NonHumanIdentities nhis,
                   org.roster.certification.Certifications certifications) {
        this.nhis = nhis;
        this.certifications = certifications;
        this.work = work;
        this.grants = grants;
        this.holds = holds;
        this.quarantine = quarantine;
        this.hr = hr;
        this.provisioning = provisioning;
    }

    @GetMapping("/work")
    String work(Model model) {
        Principal me = RosterAuthentication.current();
        model.addAttribute("tasks", work.tasksFor(me));
        return "work";
    }

    @GetMapping("/work/quarantine/{id}")
    String quarantined(@PathVariable String id, Model model) {
        requireRole(RosterAuthentication.current(), Role.STEWARD);
        model.addAttribute("record", quarantine.find(id).orElseThrow(() -> new Refusal("no quarantined record " + id)));
        return "quarantined";
    }

    @PostMapping("/work/{kind}/{id}/{action}")
    String decide(@PathVariable String kind, @PathVariable String id, @PathVariable String action,
                  @RequestParam(required = false) @Nullable String reason,
                  @RequestParam(required = false) @Nullable String corrected, RedirectAttributes flash) {
        Principal me = RosterAuthentication.current();
        String note = reason == null ? "" : reason.strip();
        try {
            if (note.isEmpty()) {
                throw new Refusal("give a reason for the decision");
            }
            if (note.length() > 1000) {
                throw new Refusal("the reason is longer than 1000 characters");
            }
            switch (kind + "/" + action) {
                case "EXCEPTION/approve", "JIT/approve", "ACCESS_REVIEW/keep" -> grants.approve(id, me, note);
                case "EXCEPTION/reject", "JIT/reject", "ACCESS_REVIEW/revoke" -> grants.reject(id, me, note);
                case "HOLD/approve" -> {
                    requireRole(me, Role.OPERATOR);
                    holds.approve(id, me.name(), note);
                }
                case "HOLD/reject" -> {
                    requireRole(me, Role.OPERATOR);
                    holds.reject(id, me.name(), note);
                }
                case "MANUAL_TASK/done" -> {
                    requireRole(me, Role.OPERATOR);
                    provisioning.completeTask(id, me.name(), note);
                }
                case "QUARANTINE/release" -> {
                    requireRole(me, Role.STEWARD);
                    JsonNode fix = corrected == null || corrected.isBlank() ? null : parse(corrected);
                    quarantine.release(id, fix, me.name());
                }
                case "QUARANTINE/discard" -> {
                    requireRole(me, Role.STEWARD);
                    quarantine.discard(id, me.name());
                }
                case "REHIRE_REVIEW/same-person", "REHIRE_REVIEW/different-person" -> {
                    requireRole(me, Role.STEWARD);
                    hr.resolveReview(id, action, note, me.name());
                }
                case "CERTIFICATION/keep", "CERTIFICATION/revoke" -> certifications.decide(id, action, note, me);
                case "NHI_REVIEW/confirm" -> nhis.confirm(id, me, note);
                case "NHI_REVIEW/retire", "NHI_ORPHAN/retire" -> nhis.retire(id, me, note);
                default -> throw new Refusal("no such decision: " + kind + " " + action);
            }
            flash.addFlashAttribute("done", kind.toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " " + id + ": "
                + action + " recorded");
        } catch (RuntimeException e) {
            flash.addFlashAttribute("refused", e.getMessage());
        }
        return "redirect:/work";
    }

    private JsonNode parse(String text) {
        if (text.length() > 64_000) {
            throw new Refusal("the corrected record is longer than 64 000 characters");
        }
        try {
            return json.readTree(text);
        } catch (RuntimeException e) {
            throw new Refusal("the corrected record is not valid JSON");
        }
    }

    private static void requireRole(Principal me, Role role) {
        if (!me.has(role)) {
            throw new Refusal("this needs the " + role.wire() + " role");
        }
    }

    /** A decision refused, shown to the person. */
    static final class Refusal extends RuntimeException {
        Refusal(String message) {
            super(message);
        }
    }
}
