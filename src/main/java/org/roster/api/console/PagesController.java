package org.roster.api.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.roster.api.security.RosterAuthentication;
import org.roster.hr.HrRecords;
import org.roster.hr.Quarantine;
import org.roster.hr.QuarantinedRecord;
import org.roster.hr.StoredWorker;
import org.roster.lifecycle.Identity;
import org.roster.lifecycle.Lifecycle;
import org.roster.lifecycle.LifecycleState;
import org.roster.plan.Hold;
import org.roster.plan.Holds;
import org.roster.provisioning.Provisioning;
import org.roster.provisioning.Revocation;
import org.roster.provisioning.TargetPropagation;
import org.roster.work.Work;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;

/** The dashboard, the sign-in page and the search for people. */
@Controller
class PagesController {

    private final Lifecycle lifecycle;
    private final Provisioning provisioning;
    private final Holds holds;
    private final Quarantine quarantine;
    private final HrRecords hr;
    private final Work work;
    private final ChainStatus chain;
    private final Clock clock;
    private final org.roster.principals.SignInSettings signIn;
    private final org.roster.api.security.LocalAdmin localAdmin;
    private final JsonMapper json = JsonMapper.builder().build();

    PagesController(Lifecycle lifecycle, Provisioning provisioning, Holds holds, Quarantine quarantine, HrRecords hr,
                    Work work, ChainStatus chain, Clock clock,
                    org.roster.principals.SignInSettings signIn, org.roster.api.security.LocalAdmin localAdmin) {
        this.lifecycle = lifecycle;
        this.provisioning = provisioning;
        this.holds = holds;
        this.quarantine = quarantine;
        this.hr = hr;
        this.work = work;
        this.chain = chain;
        this.clock = clock;
        this.signIn = signIn;
        this.localAdmin = localAdmin;
    }

    @GetMapping("/login")
    String login(Model model, @RequestParam(required = false) @Nullable String error) {
        model.addAttribute("oidc", signIn.enabled());
        model.addAttribute("local", localAdmin.enabled());
        model.addAttribute("failed", error != null);
        return "login";
    }

    /** One target's row on the dashboard. */
    record TargetRow(String name, boolean circuitOpen, long pending, long dead, long overdue, Duration slo,
                     long verified, long breaches, long failed, @Nullable Duration p50, @Nullable Duration p95,
                     @Nullable Duration max) {
    }

    @GetMapping("/")
    String dashboard(Model model) {
        var me = RosterAuthentication.current();
        model.addAttribute("tasks", work.tasksFor(me).size());
        if (!(me.has(org.roster.principals.Role.STEWARD) || me.has(org.roster.principals.Role.OPERATOR)
            || me.has(org.roster.principals.Role.AUDITOR))) {
            return "dashboard";
        }
        Instant now = clock.instant();
        Map<LifecycleState, Long> states = new EnumMap<>(LifecycleState.class);
        for (LifecycleState s : LifecycleState.values()) {
            states.put(s, lifecycle.count(s));
        }
        model.addAttribute("states", states);
        Instant midnight = LocalDate.ofInstant(now, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        model.addAttribute("today", new java.util.TreeMap<>(lifecycle.transitionsBetween(midnight, now)));
        Map<String, Long> pending = provisioning.pendingByTarget();
        Map<String, Long> dead = provisioning.deadByTarget();
        List<TargetRow> targets = new ArrayList<>();
        for (TargetPropagation t : provisioning.propagation(now.minus(Duration.ofDays(1)), now)) {
            targets.add(new TargetRow(t.target(), provisioning.circuitOpen(t.target()), pending.getOrDefault(t.target(), 0L),
                dead.getOrDefault(t.target(), 0L), t.overdue().size(), t.slo(), t.verified(), t.breaches().size(),
                t.failedChecks().size(), t.p50(), t.p95(), t.max()));
        }
        model.addAttribute("targets", targets);
        model.addAttribute("chart", chart(targets));
        List<Revocation> recent = new ArrayList<>(provisioning.revocationsBetween(midnight.minus(Duration.ofDays(6)), now, 2_000));
        java.util.Collections.reverse(recent);
        model.addAttribute("revocations", recent.stream().limit(20).toList());
        model.addAttribute("holds", holds.count(Hold.Status.OPEN));
        model.addAttribute("quarantined", quarantine.count(QuarantinedRecord.Status.OPEN));
        model.addAttribute("chain", chain.current());
        return "dashboard";
    }

    /** The latency chart's data: per target p50, p95 and max in milliseconds, and its objective. */
    private String chart(List<TargetRow> targets) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("targets", targets.stream().map(TargetRow::name).toList());
        data.put("p50", targets.stream().map(t -> millis(t.p50())).toList());
        data.put("p95", targets.stream().map(t -> millis(t.p95())).toList());
        data.put("max", targets.stream().map(t -> millis(t.max())).toList());
        data.put("slo", targets.stream().map(t -> t.slo().toMillis()).toList());
        return json.writeValueAsString(data);
    }

    private static @Nullable Long millis(@Nullable Duration d) {
        return d == null ? null : d.toMillis();
    }

    /** One line of a search. */
    record Person(String employeeNumber, String userName, @Nullable String displayName, @Nullable String department,
                  @Nullable String title, @Nullable LifecycleState state) {
    }

    @GetMapping("/people")
    String people(Model model, @RequestParam(required = false) @Nullable String q,
                  @RequestParam(required = false) @Nullable LifecycleState state) {
        String text = q == null ? "" : q.strip();
        if (text.length() > 100) {
            text = text.substring(0, 100);
        }
        List<Person> found = new ArrayList<>();
        if (!text.isEmpty()) {
            for (StoredWorker w : hr.search(text, 200)) {
                LifecycleState s = lifecycle.find(w.worker().employeeNumber()).map(Identity::state).orElse(null);
                if (state == null || state == s) {
                    found.add(person(w, s));
                }
            }
        } else {
            for (Identity i : lifecycle.list(state, 0, 100)) {
                hr.findByEmployeeNumber(i.employeeNumber()).ifPresent(w -> found.add(person(w, i.state())));
            }
        }
        model.addAttribute("q", text);
        model.addAttribute("state", state);
        model.addAttribute("states", LifecycleState.values());
        model.addAttribute("people", found.stream().limit(100).toList());
        return "people";
    }

    private static Person person(StoredWorker w, @Nullable LifecycleState s) {
        return new Person(w.worker().employeeNumber(), w.worker().userName(), name(w.worker()),
            w.worker().department(), w.worker().title(), s);
    }

    /** How a person is called: HR's display name, else their given and family names. */
    static @Nullable String name(org.roster.hr.Worker w) {
        if (w.displayName() != null && !w.displayName().isBlank()) {
            return w.displayName();
        }
        String joined = ((w.givenName() == null ? "" : w.givenName()) + " " + (w.familyName() == null ? "" : w.familyName())).strip();
        return joined.isEmpty() ? null : joined;
    }
}
