package org.roster.api.console;

import org.jspecify.annotations.Nullable;
import org.roster.api.security.RosterAuthentication;
import org.roster.certification.CampaignReports;
import org.roster.certification.CertificationException;
import org.roster.certification.Certifications;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The console's certification pages: campaigns (and starting one from a definition), and each
 * campaign's report in HTML. Reviewers decide their items in My work.
 */
@Controller
class CertificationPagesController {

    private final Certifications certifications;
    private final CampaignReports reports;
    private final org.roster.certification.CertificationSettings settings;

    CertificationPagesController(Certifications certifications, CampaignReports reports,
                                 org.roster.certification.CertificationSettings settings) {
        this.certifications = certifications;
        this.reports = reports;
        this.settings = settings;
    }

    @GetMapping("/certifications")
    String campaigns(Model model) {
        model.addAttribute("campaigns", certifications.campaigns(null, 0, 100));
        model.addAttribute("definitions", new java.util.TreeSet<>(settings.campaigns().keySet()));
        return "certifications";
    }

    @GetMapping("/certifications/{id}")
    String campaign(@PathVariable String id, Model model) {
        model.addAttribute("report", reports.report(id).orElseThrow(() -> new MorePagesController.NotFound("no campaign " + id)));
        return "campaign";
    }

    @PostMapping("/certifications")
    String start(@RequestParam(required = false) @Nullable String definition, RedirectAttributes flash) {
        try {
            var c = certifications.start(new Certifications.Start(definition, null, null, null, null, null, null),
                RosterAuthentication.current());
            flash.addFlashAttribute("done", "campaign '" + c.name() + "' started: its items are being generated");
            return "redirect:/certifications/" + c.id();
        } catch (CertificationException e) {
            flash.addFlashAttribute("refused", e.getMessage());
            return "redirect:/certifications";
        }
    }
}
