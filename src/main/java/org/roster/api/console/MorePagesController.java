package org.roster.api.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.roster.api.security.RosterAuthentication;
import org.roster.api.views.IdentityViews;
import org.roster.api.views.PreviewRunner;
import org.roster.audit.AuditLog;
import org.roster.audit.AuditQuery;
import org.roster.audit.AuditRecord;
import org.roster.principals.ApiTokens;
import org.roster.principals.Principals;
import org.roster.principals.Role;
import org.roster.provisioning.Provisioning;
import org.roster.reconcile.Finding;
import org.roster.reconcile.Reconciliations;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

/** The identity page, targets and reconciliation, the audit, the compliance report, preview, and admin. */
@Controller
class MorePagesController {

    private final IdentityViews identities;
    private final Provisioning provisioning;
    private final Reconciliations reconciliations;
    private final AuditLog audit;
    private final PreviewRunner preview;
    private final Principals principals;
    private final ApiTokens tokens;
    private final Clock clock;
    private final org.roster.grants.AccessGrants grants;
    private final org.roster.nhi.NonHumanIdentities nhis;
    private final JsonMapper json = JsonMapper.builder().build();

    MorePagesController(IdentityViews identities, Provisioning provisioning, Reconciliations reconciliations,
                        AuditLog audit, PreviewRunner preview, Principals principals, ApiTokens tokens,
                        Clock clock,
                        org.roster.grants.AccessGrants grants, org.roster.nhi.NonHumanIdentities nhis) {
        this.nhis = nhis;
        this.grants = grants;
        this.identities = identities;
        this.provisioning = provisioning;
        this.reconciliations = reconciliations;
        this.audit = audit;
        this.preview = preview;
        this.principals = principals;
        this.tokens = tokens;
        this.clock = clock;
    }

    @GetMapping("/people/{employeeNumber}")
    String person(@PathVariable String employeeNumber, Model model) {
        try {
            model.addAttribute("detail", identities.detail(employeeNumber));
            model.addAttribute("timeline", identities.timeline(employeeNumber));
            model.addAttribute("outside", grants.list(List.of(org.roster.grants.AccessGrant.Kind.values()), null, null,
                employeeNumber, 0, 100).stream().filter(g -> g.status() == org.roster.grants.AccessGrant.Status.ACTIVE
                || g.status() == org.roster.grants.AccessGrant.Status.OPEN
                || g.status() == org.roster.grants.AccessGrant.Status.REQUESTED).toList());
        } catch (java.util.NoSuchElementException e) {
            throw new NotFound("no identity " + employeeNumber);
        }
        return "person";
    }

    @GetMapping("/nhi")
    String nhi(Model model, @RequestParam(required = false) @Nullable String owner,
               @RequestParam(required = false) org.roster.nhi.Nhi.@Nullable State state) {
        model.addAttribute("nhis", nhis.list(blank(owner), null, null, state, 0, 200));
        model.addAttribute("counts", nhis.countByState());
        model.addAttribute("states", org.roster.nhi.Nhi.State.values());
        model.addAttribute("owner", nz(owner));
        model.addAttribute("state", state);
        model.addAttribute("kinds", org.roster.nhi.Nhi.Kind.values());
        model.addAttribute("targets", new java.util.TreeSet<>(provisioning.targets()));
        model.addAttribute("myIdentity", RosterAuthentication.current().identity());
        return "nhi";
    }

    /**
     * Declares an NHI from the console: the same service, rules and audit as {@code POST /api/v1/nhi}
     * (an operator for anyone, anyone else for themselves). The expiry is a date, the end of that day (UTC).
     */
    @PostMapping("/nhi")
    String declareNhi(@RequestParam(required = false) @Nullable String name,
                      @RequestParam(required = false) @Nullable String kind,
                      @RequestParam(required = false) @Nullable String target,
                      @RequestParam(required = false) @Nullable String owner,
                      @RequestParam(required = false) @Nullable String actingFor,
                      @RequestParam(required = false) @Nullable String purpose,
                      @RequestParam(required = false) @Nullable String expires, RedirectAttributes flash) {
        try {
            Instant until = null;
            if (expires != null && !expires.isBlank()) {
                try {
                    until = java.time.LocalDate.parse(expires.strip()).plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC)
                        .toInstant().minusSeconds(1);
                } catch (java.time.format.DateTimeParseException e) {
                    throw new org.roster.nhi.NhiException(org.roster.nhi.NhiException.Why.INVALID, "expiresAt",
                        "'" + expires + "' is not a date (YYYY-MM-DD)");
                }
            }
            var n = nhis.declare(new org.roster.nhi.NonHumanIdentities.Declaration(blank(name), blank(kind), blank(target),
                blank(owner), blank(actingFor), blank(purpose), until), RosterAuthentication.current());
            flash.addFlashAttribute("done", n.kind().wire() + " " + n.name() + " on " + n.target() + " declared, owned by "
                + n.owner());
        } catch (org.roster.nhi.NhiException e) {
            flash.addFlashAttribute("refused", e.getMessage());
        }
        return "redirect:/nhi";
    }

    @GetMapping("/targets")
    String targets(Model model) {
        Instant now = clock.instant();
        var propagation = provisioning.propagation(now.minus(Duration.ofDays(1)), now);
        model.addAttribute("propagation", propagation);
        java.util.Map<String, Boolean> circuits = new java.util.TreeMap<>();
        propagation.forEach(t -> circuits.put(t.target(), provisioning.circuitOpen(t.target())));
        model.addAttribute("circuits", circuits);
        model.addAttribute("posture", provisioning.posture());
        model.addAttribute("pending", provisioning.pendingByTarget());
        model.addAttribute("dead", provisioning.deadByTarget());
        model.addAttribute("runs", reconciliations.runs(null, 20));
        model.addAttribute("running", reconciliations.running());
        return "targets";
    }

    @GetMapping("/targets/runs/{id}")
    String run(@PathVariable String id, Model model) {
        model.addAttribute("run", reconciliations.run(id).orElseThrow(() -> new NotFound("no reconciliation " + id)));
        model.addAttribute("findings", reconciliations.findings(id, null, Finding.Status.OPEN, null, 200));
        return "run";
    }

    @PostMapping("/targets/{target}/reconcile")
    String reconcile(@PathVariable String target, RedirectAttributes flash) {
        try {
            var run = reconciliations.start(target, null, RosterAuthentication.current().name());
            return "redirect:/targets/runs/" + run.id();
        } catch (RuntimeException e) {
            flash.addFlashAttribute("refused", e.getMessage());
            return "redirect:/targets";
        }
    }

    @PostMapping("/targets/findings/{id}/accept")
    String accept(@PathVariable String id, @RequestParam(required = false) @Nullable String reason,
                  RedirectAttributes flash) {
        Finding f = reconciliations.finding(id).orElseThrow(() -> new NotFound("no finding " + id));
        if (reason == null || reason.isBlank()) {
            flash.addFlashAttribute("refused", "give a reason to accept the finding");
        } else {
            try {
                reconciliations.accept(id, RosterAuthentication.current().name(), reason.strip(), null);
                flash.addFlashAttribute("done", "finding accepted: " + f.detail());
            } catch (RuntimeException e) {
                flash.addFlashAttribute("refused", e.getMessage());
            }
        }
        return "redirect:/targets/runs/" + f.runId();
    }

    @GetMapping("/evidence/audit")
    String audit(Model model, @RequestParam(required = false) @Nullable String identity,
                 @RequestParam(required = false) @Nullable String target,
                 @RequestParam(required = false) @Nullable String kind,
                 @RequestParam(required = false) @Nullable String actor,
                 @RequestParam(required = false) @Nullable String from,
                 @RequestParam(required = false) @Nullable String to,
                 @RequestParam(defaultValue = "" + Long.MAX_VALUE) long before) {
        Instant since = from == null || from.isBlank() ? null : date("from", from).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        Instant until = to == null || to.isBlank() ? null : date("to", to).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        // newest first: what happened last is what people look for
        List<AuditRecord> records = audit.findLatest(new AuditQuery(blank(identity), blank(target), blank(kind),
            blank(actor), since, until), before, 100);
        model.addAttribute("records", records);
        model.addAttribute("next", records.size() == 100 ? records.get(records.size() - 1).seq() : null);
        model.addAttribute("q", java.util.Map.of("identity", nz(identity), "target", nz(target), "kind", nz(kind),
            "actor", nz(actor), "from", nz(from), "to", nz(to)));
        return "audit";
    }

    @GetMapping("/evidence/report")
    String report(Model model, @RequestParam(required = false) @Nullable String from,
                  @RequestParam(required = false) @Nullable String to) {
        java.time.LocalDate end = to == null || to.isBlank() ? java.time.LocalDate.now(clock).plusDays(1) : date("to", to);
        java.time.LocalDate start = from == null || from.isBlank() ? end.minusDays(30) : date("from", from);
        model.addAttribute("from", start.toString());
        model.addAttribute("to", end.toString());
        return "report";
    }

    @GetMapping("/preview")
    String previewForm(Model model) {
        model.addAttribute("events", "[{\"employeeNumber\": \"E1002\", \"changes\": {\"department\": \"Finance\"}}]");
        return "preview";
    }

    @PostMapping("/preview")
    String preview(@RequestParam(required = false) @Nullable String events,
                   @RequestParam(required = false) @Nullable String policy, Model model) {
        model.addAttribute("events", events == null ? "" : events);
        model.addAttribute("policy", policy == null ? "" : policy);
        try {
            var body = json.createObjectNode();
            if (policy != null && !policy.isBlank()) {
                body.put("policy", policy);
            } else {
                body.set("events", json.readTree(events == null || events.isBlank() ? "[]" : events));
            }
            model.addAttribute("result", preview.run(body));
        } catch (PreviewRunner.PreviewRefused e) {
            model.addAttribute("refused", e.field() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            model.addAttribute("refused", e.getMessage());
        }
        return "preview";
    }

    @GetMapping("/admin")
    String admin(Model model) {
        model.addAttribute("people", principals.list(0, 200));
        model.addAttribute("tokens", tokens.all());
        model.addAttribute("roles", Role.values());
        return "admin";
    }

    @PostMapping("/admin/people/{name}/roles")
    String assign(@PathVariable String name, @RequestParam(required = false) @Nullable List<String> roles,
                  RedirectAttributes flash) {
        java.util.Set<Role> set = java.util.EnumSet.noneOf(Role.class);
        for (String r : roles == null ? List.<String>of() : roles) {
            Role.fromWire(r).ifPresent(set::add);
        }
        try {
            principals.assign(name, set, RosterAuthentication.current().name());
            flash.addFlashAttribute("done", "roles of " + name + " set to " + set.stream().map(Role::wire).sorted().toList());
        } catch (IllegalArgumentException e) {
            flash.addFlashAttribute("refused", e.getMessage());
        }
        return "redirect:/admin";
    }

    @PostMapping("/admin/tokens/{id}/revoke")
    String revoke(@PathVariable String id, RedirectAttributes flash) {
        var stored = tokens.find(id).filter(t -> t.origin().equals("api"));
        if (stored.isEmpty()) {
            flash.addFlashAttribute("refused", "only tokens made through the API are revoked here");
            return "redirect:/admin";
        }
        flash.addFlashAttribute("done", tokens.revoke(stored.get(), RosterAuthentication.current().name())
            ? "token " + stored.get().name() + " revoked" : "token " + stored.get().name() + " was revoked already");
        return "redirect:/admin";
    }

    private static java.time.LocalDate date(String field, String value) {
        try {
            return java.time.LocalDate.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new BadInput(field + ": '" + value + "' is not a date (2026-11-01)");
        }
    }

    private static @Nullable String blank(@Nullable String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String nz(@Nullable String s) {
        return s == null ? "" : s;
    }

    /** A page that does not exist. */
    @ResponseStatus(HttpStatus.NOT_FOUND)
    static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }

    /** A page asked for with a parameter it cannot use. */
    @ResponseStatus(HttpStatus.BAD_REQUEST)
    static final class BadInput extends RuntimeException {
        BadInput(String message) {
            super(message);
        }
    }

}
