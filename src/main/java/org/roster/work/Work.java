package org.roster.work;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.roster.grants.AccessGrant;
import org.roster.grants.AccessGrants;
import org.roster.grants.Deciders;
import org.roster.hr.HrRecords;
import org.roster.hr.HrReview;
import org.roster.hr.Quarantine;
import org.roster.hr.QuarantinedRecord;
import org.roster.plan.Hold;
import org.roster.plan.Holds;
import org.roster.principals.Principal;
import org.roster.principals.Role;
import org.roster.provisioning.ManualTask;
import org.roster.provisioning.Provisioning;
import org.springframework.stereotype.Service;

/**
 * Everything waiting for one person, soonest due first: decisions their relationship to the access
 * gives them (owner, fallback owner, manager; never on their own access or request), and the queues
 * their roles give them (operators: holds not opened by their own feed, manual tasks; stewards:
 * quarantine and rehire reviews).
 */
@Service
public class Work {

    private final AccessGrants grants;
    private final Deciders deciders;
    private final Holds holds;
    private final Quarantine quarantine;
    private final HrRecords hr;
    private final Provisioning provisioning;
    private final org.roster.nhi.NonHumanIdentities nhis;
    private final org.roster.certification.Certifications certifications;
    private final WorkSettings settings;
    private final Clock clock;

    public Work(AccessGrants grants, Deciders deciders, Holds holds, Quarantine quarantine, HrRecords hr,
                Provisioning provisioning, org.roster.nhi.NonHumanIdentities nhis,
                org.roster.certification.Certifications certifications, WorkSettings settings, Clock clock) {
        this.nhis = nhis;
        this.certifications = certifications;
        this.grants = grants;
        this.deciders = deciders;
        this.holds = holds;
        this.quarantine = quarantine;
        this.hr = hr;
        this.provisioning = provisioning;
        this.settings = settings;
        this.clock = clock;
    }

    public List<Task> tasksFor(Principal p) {
        Instant now = clock.instant();
        int max = settings.maxTasksPerKind();
        List<Task> out = new ArrayList<>();
        for (AccessGrant g : waitingGrants()) {
            if (out.size() >= max * 3) {
                break;
            }
            // who decides is worked out once per grant: the right to decide and the task's "why" both come from it
            deciders.asDecider(g, p).ifPresent(who -> out.add(grantTask(g, who.why(), now)));
        }
        java.util.Map<String, Instant> started = new java.util.HashMap<>();
        for (var i : certifications.openFor(p, max)) {
            Instant since = started.computeIfAbsent(i.campaignId(), c -> certifications.campaign(c)
                .map(org.roster.certification.Campaign::startedAt).orElse(i.dueAt()));
            out.add(task("CERTIFICATION", i.id(), "certify " + i.target() + ":" + i.entitlement() + " of " + i.identity()
                    + (i.privileged() ? " (privileged)" : "") + ": " + i.why() + (i.peers() == null ? ""
                    : "; " + i.peers() + " peer(s) in " + i.peerGroup() + " hold it"), i.identity(), since, i.dueAt(), now,
                "/api/v1/certifications/" + i.campaignId() + "/items/" + i.id(), List.of("keep", "revoke"),
                i.reviewerWhy()));
        }
        if (p.identity() != null) {
            nhis.reviewsFor(p.identity()).stream().limit(max).forEach(n -> out.add(task("NHI_REVIEW", n.id(),
                "review " + n.kind().wire() + " " + n.name() + " on " + n.target() + (n.previousOwner() == null
                    ? " (you moved)" : ", handed to you from " + n.previousOwner()) + ": " + n.purpose(),
                n.owner(), n.updatedAt(), n.reviewDueAt(), now, "/api/v1/nhi/" + n.id(), List.of("confirm", "retire"),
                "its owner")));
        }
        if (p.has(Role.OPERATOR)) {
            nhis.list(null, null, null, org.roster.nhi.Nhi.State.ORPHAN, 0, max).forEach(n -> out.add(task("NHI_ORPHAN",
                n.id(), n.kind().wire() + " " + n.name() + " on " + n.target() + " has no owner (" + n.previousOwner()
                    + " left): give it one (POST /api/v1/nhi/{id}/owner) or retire it", null, n.updatedAt(), null, now,
                "/api/v1/nhi/" + n.id(), List.of("retire"), "operator")));
            holds.list(Hold.Status.OPEN, 0, max).stream()
                .filter(h -> h.openedBy() == null || !h.openedBy().equals(p.name()))
                .forEach(h -> out.add(task("HOLD", h.id(), "hold of " + h.operations() + " operation(s) for " + h.target()
                    + " from " + h.source() + ": " + h.reason(), null, h.openedAt(), null, now, "/api/v1/holds/" + h.id(),
                    List.of("approve", "reject"), "operator")));
            provisioning.tasks(null, ManualTask.Status.OPEN, 0, max)
                .forEach(t -> out.add(task("MANUAL_TASK", t.id(), t.operation() + " on " + t.target() + ": " + t.detail(),
                    t.identity(), t.createdAt(), t.dueAt(), now, "/api/v1/tasks/" + t.id(), List.of("done"), "operator")));
        }
        if (p.has(Role.STEWARD)) {
            quarantine.list(QuarantinedRecord.Status.OPEN, 0, max)
                .forEach(q -> out.add(task("QUARANTINE", q.id(), "record from " + q.source() + " held: " + q.field() + " "
                    + q.reason(), q.employeeNumber(), q.receivedAt(), null, now, "/api/v1/quarantine/" + q.id(),
                    List.of("release", "discard"), "steward")));
            hr.reviews(HrReview.Status.OPEN, 0, max)
                .forEach(r -> out.add(task("REHIRE_REVIEW", r.id(), r.kind() + ": " + r.detail(), r.employeeNumber(),
                    r.createdAt(), null, now, "/api/v1/hr/reviews/" + r.id(), List.of("resolve"), "steward")));
        }
        out.sort(Comparator.comparing(Task::due).thenComparing(Task::id));
        return out;
    }

    /** Exception and JIT requests waiting for approval, and reviews waiting for a decision. */
    public List<AccessGrant> waitingGrants() {
        List<AccessGrant> waiting = new ArrayList<>(grants.list(List.of(AccessGrant.Kind.EXCEPTION, AccessGrant.Kind.JIT),
            AccessGrant.Status.REQUESTED, null, null, 0, 1000));
        waiting.addAll(grants.list(List.of(AccessGrant.Kind.REVIEW), AccessGrant.Status.OPEN, null, null, 0, 1000));
        return waiting;
    }

    /** When a grant decision is due: a review's deadline, or the request's time plus {@code decide-within}. */
    public Instant dueOf(AccessGrant g) {
        return g.status() == AccessGrant.Status.OPEN && g.dueAt() != null ? g.dueAt()
            : g.requestedAt().plus(settings.decideWithin());
    }

    public Duration decideWithin() {
        return settings.decideWithin();
    }

    private Task grantTask(AccessGrant g, String why, Instant now) {
        boolean review = g.kind() == AccessGrant.Kind.REVIEW;
        String base = switch (g.kind()) {
            case EXCEPTION -> "/api/v1/exceptions/";
            case JIT -> "/api/v1/jit-requests/";
            default -> "/api/v1/access-reviews/";
        };
        String title = review ? "review privileged " + g.target() + ":" + g.entitlement() + " of " + g.identity()
            + " after a move" : g.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + g.target() + ":"
            + g.entitlement() + " for " + g.identity() + ", asked by " + g.requestedBy() + ": " + g.reason();
        return new Task(review ? "ACCESS_REVIEW" : g.kind().name(), g.id(), title, g.identity(), g.requestedAt(), dueOf(g),
            !dueOf(g).isAfter(now), base + g.id(), review ? List.of("keep", "revoke") : List.of("approve", "reject"), why);
    }

    private Task task(String kind, String id, String title, @Nullable String identity, Instant since,
                      @Nullable Instant due, Instant now, String path, List<String> actions, String why) {
        Instant d = due != null ? due : since.plus(settings.decideWithin());
        return new Task(kind, id, title, identity, since, d, !d.isAfter(now), path, actions, why);
    }
}
