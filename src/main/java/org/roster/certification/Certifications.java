package org.roster.certification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.certification.CertificationSettings.Definition;
import org.roster.certification.CertificationSettings.OnDeadline;
import org.roster.certification.internal.CertificationRepository;
import org.roster.grants.AccessGrant;
import org.roster.grants.AccessGrants;
import org.roster.hr.HrRecords;
import org.roster.hr.Worker;
import org.roster.lifecycle.Identity;
import org.roster.lifecycle.IdentityTransitioned;
import org.roster.lifecycle.Lifecycle;
import org.roster.lifecycle.LifecycleState;
import org.roster.lifecycle.TransitionKind;
import org.roster.plan.AccessChanged;
import org.roster.plan.AccountSnapshot;
import org.roster.plan.OperationKind;
import org.roster.plan.PlanningStage;
import org.roster.plan.Planner;
import org.roster.policy.Condition;
import org.roster.policy.Policy;
import org.roster.policy.PolicyEngine;
import org.roster.policy.PolicyException;
import org.roster.principals.Principal;
import org.roster.principals.Principals;
import org.roster.principals.Role;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.runtime.Refusal.Why;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Certification campaigns: generated from a definition (a scope over people and their access, who
 * reviews, how long, what happens at the deadline), decided item by item by the people accountable,
 * and applied through the planner: a revocation ends the standing grant behind the access, or keeps
 * policy's access from the person until their position changes, and plans the identity again as
 * source {@code certification} (guard, order, verification and audit apply). HR events start
 * micro-certifications for one person. Nobody certifies their own access.
 */
@Service
public class Certifications {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Certifications.class);
    private static final int PAGE = 500;
    /** The scope of a micro-certification: the person's access outside birthright. */
    static final String OUTSIDE_BIRTHRIGHT = "access.source != 'rule' && access.source != 'unplanned'";
    /** Compiled once: a micro-certification runs in an HR change's transaction. */
    private static final Condition OUTSIDE_BIRTHRIGHT_SCOPE = Condition.compile("scope", OUTSIDE_BIRTHRIGHT);

    private final CertificationRepository repository;
    private final CertificationSettings settings;
    private final HrRecords hr;
    private final Lifecycle lifecycle;
    private final PlanningStage planning;
    private final Provisioning provisioning;
    private final PolicyEngine policy;
    private final AccessGrants grants;
    private final Principals principals;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    public Certifications(CertificationRepository repository, CertificationSettings settings, HrRecords hr,
                          Lifecycle lifecycle, PlanningStage planning, Provisioning provisioning, PolicyEngine policy,
                          AccessGrants grants, Principals principals, AuditLog audit, TransactionTemplate tx, Clock clock,
                          ApplicationEventPublisher events, io.micrometer.core.instrument.MeterRegistry meters) {
        io.micrometer.core.instrument.Gauge.builder("roster.certification.deadlines.failing", closing::size)
            .description("Certification items past their deadline that could not be closed, waiting to be tried again")
            .register(meters);
        this.repository = repository;
        this.settings = settings;
        this.hr = hr;
        this.lifecycle = lifecycle;
        this.planning = planning;
        this.provisioning = provisioning;
        this.policy = policy;
        this.grants = grants;
        this.principals = principals;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.events = events;
        settings.campaigns().forEach((name, d) -> condition(d.scope(), "roster.certification.campaigns." + name + ".scope"));
    }

    /**
     * A campaign to start: a configured definition by name, or one given inline (then {@code scope}
     * is required); fields given inline override the definition's.
     */
    public record Start(@Nullable String definition, @Nullable String name, @Nullable String description,
                        @Nullable String scope, @Nullable List<String> reviewers, @Nullable Duration duration,
                        @Nullable String onDeadline) {
    }

    /**
     * Starts a campaign on demand (operators and admins): stored at once, in state {@code STARTING};
     * its items are generated in the background, and it opens to reviewers when they all are.
     */
    public Campaign start(Start s, Principal by) {
        if (!by.has(Role.OPERATOR) && !by.has(Role.ADMIN)) {
            throw new CertificationException(Why.FORBIDDEN, "role", "operators and admins start campaigns");
        }
        Definition base = null;
        if (s.definition() != null && !s.definition().isBlank()) {
            base = settings.campaigns().get(s.definition().strip());
            if (base == null) {
                throw new CertificationException(Why.INVALID, "definition", "'" + s.definition() + "' is not a configured"
                    + " campaign (roster.certification.campaigns: " + String.join(", ", settings.campaigns().keySet()) + ")");
            }
        }
        String scope = s.scope() != null && !s.scope().isBlank() ? s.scope().strip() : base == null ? null : base.scope();
        if (scope == null) {
            throw new CertificationException(Why.INVALID, "scope", "is required: a CEL condition over worker, state and"
                + " access ('true' for all access), or a definition");
        }
        if (scope.length() > 2000) {
            throw new CertificationException(Why.INVALID, "scope", "is longer than 2000 characters");
        }
        OnDeadline onDeadline = base == null ? null : base.onDeadline();
        if (s.onDeadline() != null && !s.onDeadline().isBlank()) {
            try {
                onDeadline = OnDeadline.valueOf(s.onDeadline().strip().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CertificationException(Why.INVALID, "onDeadline", "'" + s.onDeadline()
                    + "' is not one of revoke, keep, escalate");
            }
        }
        Duration duration = s.duration() != null ? s.duration() : base == null ? Duration.ofDays(14) : base.duration();
        if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofDays(366)) > 0) {
            throw new CertificationException(Why.INVALID, "duration", "must be between a second and 366 days");
        }
        List<String> reviewers = s.reviewers() != null && !s.reviewers().isEmpty() ? List.copyOf(s.reviewers())
            : base == null ? List.of("manager") : base.reviewers();
        if (reviewers.size() > 10 || reviewers.stream().anyMatch(r -> r == null || r.isBlank() || r.length() > 200)) {
            throw new CertificationException(Why.INVALID, "reviewers", "at most 10, each a non-empty name of up to 200"
                + " characters");
        }
        String name = s.name() != null && !s.name().isBlank() ? s.name().strip()
            : s.definition() != null ? s.definition().strip() : "on demand";
        if (name.length() > 200) {
            throw new CertificationException(Why.INVALID, "name", "is longer than 200 characters");
        }
        if (s.description() != null && s.description().length() > 1000) {
            throw new CertificationException(Why.INVALID, "description", "is longer than 1000 characters");
        }
        Definition d = new Definition(s.description() != null ? s.description() : base == null ? null : base.description(),
            scope, reviewers, null, duration, onDeadline, base == null ? null : base.escalateFor());
        return launch(name, s.definition() == null || s.definition().isBlank() ? null : s.definition().strip(), "API", d,
            by.name());
    }

    /** A configured definition's campaign, started by its schedule. */
    public Campaign startScheduled(String definition) {
        Definition d = java.util.Objects.requireNonNull(settings.campaigns().get(definition));
        return launch(definition, definition, "SCHEDULE", d, "schedule");
    }

    private Campaign launch(String name, @Nullable String definition, String origin, Definition d, String by) {
        condition(java.util.Objects.requireNonNull(d.scope()), "scope");
        Instant now = clock.instant();
        Campaign c = new Campaign(UUID.randomUUID().toString(), name, definition, origin, d.description(), d.scope(),
            d.reviewers(), d.onDeadline(), d.escalateFor(), now, by, now.plus(d.duration()), Campaign.Status.STARTING, null,
            null, 0, 0);
        // read back in the transaction that stores it: the answer is the campaign as stored (STARTING), not
        // whatever the generator, which may pick it up the moment it commits, made of it meanwhile
        Campaign stored = tx.execute(s -> {
            repository.insert(c);
            audit.append(new AuditEntry(null, "CERTIFICATION_REQUESTED", AuditEntry.Stage.DECISION, by, null,
                "campaign '" + name + "' requested by " + by + " (" + origin.toLowerCase(java.util.Locale.ROOT) + "): scope "
                    + d.scope() + "; its items are being generated", "cert-" + c.id()));
            return repository.campaign(c.id()).orElseThrow();
        });
        events.publishEvent(new CampaignStarting(c.id()));
        return java.util.Objects.requireNonNull(stored);
    }

    /** A campaign was stored, its items still to be generated (by the certification schedule's loop). */
    public record CampaignStarting(String id) {
    }

    /**
     * Generates the items of every campaign still starting, oldest first: just requested, or left
     * half generated by a crash (its items are generated again from the start). Runs on the
     * certification schedule's thread only.
     */
    public int generatePending() {
        List<Campaign> starting = new ArrayList<>(repository.campaigns(Campaign.Status.STARTING, null, 0, 100));
        java.util.Collections.reverse(starting);
        for (Campaign c : starting) {
            tx.executeWithoutResult(s -> repository.deleteItems(c.id()));
            generate(c, condition(c.scope(), "scope"));
        }
        return starting.size();
    }

    /**
     * Items for every access of every active identity the scope takes in, page by page (one
     * transaction per page), then peers counted and the campaign opened. A campaign left starting by
     * a crash is generated again from the start ({@link #resumeStarting}).
     */
    private void generate(Campaign c, Condition scope) {
        // First, who holds what, by department and title: each item says how many peers hold it too.
        Map<String, Long> peers = new HashMap<>();
        forEachPage(page -> page.held().forEach((identity, accounts) -> {
            Worker w = page.workers().get(identity);
            if (w != null) {
                for (AccountSnapshot a : accounts) {
                    for (String e : a.entitlements()) {
                        peers.merge(peerKey(group(w), a.target(), e), 1L, Long::sum);
                    }
                }
            }
        }));
        long[] count = {0};
        forEachPage(page -> {
            List<CertificationItem> items = new ArrayList<>();
            page.held().forEach((identity, accounts) -> {
                Worker w = page.workers().get(identity);
                if (w != null) {
                    items.addAll(itemsFor(c, identity, w, page.state(), accounts, scope, peers));
                }
            });
            count[0] += items.size();
            tx.executeWithoutResult(s -> repository.insertItems(items));
        });
        long total = count[0];
        tx.executeWithoutResult(s -> {
            repository.setStatus(c.id(), Campaign.Status.OPEN, null);
            audit.append(new AuditEntry(null, "CERTIFICATION_STARTED", AuditEntry.Stage.DECISION, c.startedBy(), null,
                "campaign '" + c.name() + "' started by " + c.startedBy() + ": " + total + " item(s) in scope (" + c.scope()
                    + "), reviewed by " + String.join(" else ", c.reviewers()) + " by " + c.dueAt(), "cert-" + c.id()));
        });
        if (total == 0) {
            closeFinished();
        }
    }

    /** A page of identities in one lifecycle state: their HR records and acknowledged accounts. */
    private record Page(LifecycleState state, Map<String, Worker> workers, Map<String, List<AccountSnapshot>> held) {
    }

    /** Every active identity (and those on leave), a page at a time. */
    private void forEachPage(java.util.function.Consumer<Page> each) {
        lifecycle.forEachPageHoldingAccess(PAGE, (state, page) -> {
            List<String> ids = page.stream().map(Identity::employeeNumber).toList();
            Map<String, Worker> workers = new HashMap<>();
            hr.findByEmployeeNumbers(ids).forEach(w -> workers.put(w.worker().employeeNumber(), w.worker()));
            each.accept(new Page(state, workers, provisioning.acknowledgedAccounts(ids)));
        });
    }

    private static String group(Worker w) {
        return (w.department() == null ? "" : w.department()) + " / " + (w.title() == null ? "" : w.title());
    }

    private static String peerKey(String group, String target, String entitlement) {
        return group + "\u0000" + target + "\u0000" + entitlement;
    }

    /** The items of one identity that the scope takes in, each with its reviewer; counts peers as it goes. */
    private List<CertificationItem> itemsFor(Campaign c, String identity, Worker w, LifecycleState state,
                                             List<AccountSnapshot> held, Condition scope, @Nullable Map<String, Long> peers) {
        if (held.isEmpty()) {
            return List.of();
        }
        Map<String, Map<String, String>> desired = new HashMap<>();
        planning.desired(identity).orElse(List.of()).forEach(d -> desired.put(d.target(), d.entitlements()));
        Policy p = policy.current();
        Map<String, Instant> added = null;
        List<CertificationItem> out = new ArrayList<>();
        String group = group(w);
        boolean byEntitlement = c.reviewers().contains("owner") || c.reviewers().contains("fallback-owner");
        Map<String, Reviewer> reviewers = new HashMap<>();
        for (AccountSnapshot account : held) {
            for (String e : account.entitlements()) {
                Origin why = why(desired.getOrDefault(account.target(), Map.of()).get(e));
                Map<String, Object> access = new LinkedHashMap<>();
                access.put("target", account.target());
                access.put("entitlement", e);
                access.put("privileged", p.privileged(account.target(), e));
                access.put("source", why.source());
                access.put("owner", java.util.Objects.requireNonNullElse(p.owner(account.target(), e), ""));
                if (!scope.test(w.attributes(), state.name(), access)) {
                    continue;
                }
                Instant since = why.since();
                if (since == null && why.source().equals("rule")) {
                    if (added == null) {
                        added = additions(identity);
                    }
                    since = added.get(account.target() + "\u0000" + e);
                }
                // who reviews depends on the entitlement only when the owner is asked: once per person otherwise
                String reviewerKey = byEntitlement ? account.target() + "\u0000" + e : "";
                String target = account.target();
                Reviewer r = reviewers.computeIfAbsent(reviewerKey, k -> reviewer(c.reviewers(), identity, target, e));
                out.add(new CertificationItem(UUID.randomUUID().toString(), c.id(), identity, account.target(), e,
                    p.privileged(account.target(), e), why.source(), why.text(), why.grants(), since, null,
                    peers == null ? null : Math.max(0, peers.getOrDefault(peerKey(group, account.target(), e), 1L) - 1),
                    peers == null ? null : group, r.key(), r.why(),
                    CertificationItem.Status.OPEN, null, null, null, false, c.dueAt(), false));
            }
        }
        return out;
    }

    /** Why an identity holds an entitlement, from the reason the planner gives for it. */
    private record Origin(String source, String text, List<String> grants, @Nullable Instant since) {
    }

    private Origin why(@Nullable String reason) {
        if (reason == null) {
            return new Origin("unplanned", "held on the target, but nothing in Roster grants it: removed at the next plan",
                List.of(), null);
        }
        List<String> rules = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        String source = null;
        Instant since = null;
        for (String part : reason.split(", ")) {
            String[] kindAndId = part.split(" ", 2);
            AccessGrant.Kind kind = grantKind(kindAndId[0]);
            if (kind != null && kindAndId.length == 2) {
                Optional<AccessGrant> g = grant(kindAndId[1]);
                ids.add(kindAndId[1]);
                source = source == null ? kind.name().toLowerCase(java.util.Locale.ROOT) : source;
                if (g.isPresent()) {
                    AccessGrant a = g.get();
                    texts.add(kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " " + a.id()
                        + (a.decidedBy() == null ? "" : ", approved by " + a.decidedBy()) + (a.decidedAt() == null ? ""
                        : " on " + a.decidedAt()) + ": " + a.reason());
                    Instant at = a.decidedAt() != null ? a.decidedAt() : a.requestedAt();
                    since = since == null || at.isBefore(since) ? at : since;
                }
            } else {
                rules.add(part);
            }
        }
        if (!rules.isEmpty()) {
            texts.add(0, "policy rule" + (rules.size() > 1 ? "s " : " ") + String.join(", ", rules));
            source = "rule";
        }
        return new Origin(source == null ? "rule" : source, String.join("; ", texts), ids, since);
    }

    private static AccessGrant.@Nullable Kind grantKind(String word) {
        for (AccessGrant.Kind k : AccessGrant.Kind.values()) {
            if (k.name().equalsIgnoreCase(word)) {
                return k;
            }
        }
        return null;
    }

    private Optional<AccessGrant> grant(String id) {
        try {
            return Optional.of(grants.find(id));
        } catch (org.roster.grants.GrantException e) {
            return Optional.empty();
        }
    }

    /** When each entitlement was last added on each target, as the target acknowledged it. */
    private Map<String, Instant> additions(String identity) {
        Map<String, Instant> out = new HashMap<>();
        for (OutboxEntry e : provisioning.operations(identity, 500)) {
            if (e.operation().kind() == OperationKind.ADD_ENTITLEMENT && e.ackedAt() != null) {
                out.putIfAbsent(e.operation().target() + "\u0000" + e.operation().entitlement(), e.ackedAt());
            }
        }
        return out;
    }

    /** Who reviews, and why them. */
    record Reviewer(String key, String why) {
    }

    /**
     * The first of the campaign's reviewers that applies: a person who works here now and is not the
     * person reviewed, or an API token; operators when none does.
     */
    Reviewer reviewer(List<String> specs, String identity, String target, String entitlement) {
        Policy p = policy.current();
        List<String> passed = new ArrayList<>();
        for (String spec : specs) {
            String who = switch (spec) {
                case "manager" -> principals.managerOf(identity).orElse(null);
                case "owner" -> p.owner(target, entitlement);
                case "fallback-owner" -> p.fallbackOwner(target, entitlement);
                default -> spec;
            };
            if (who == null) {
                passed.add(spec + " (none)");
                continue;
            }
            Optional<String> person = principals.identityOf(who);
            if (person.isPresent()) {
                if (person.get().equals(identity)) {
                    passed.add(spec + " " + who + " (the person reviewed)");
                } else if (!principals.active(person.get())) {
                    passed.add(spec + " " + who + " (does not work here now)");
                } else {
                    return new Reviewer(person.get(), "the " + spec + (spec.equals(who) ? "" : ", " + who)
                        + (passed.isEmpty() ? "" : "; passed over: " + String.join(", ", passed)));
                }
            } else if (principals.tokenNamed(who)) {
                return new Reviewer("token:" + who, "the " + spec + ", API token " + who
                    + (passed.isEmpty() ? "" : "; passed over: " + String.join(", ", passed)));
            } else {
                passed.add(spec + " " + who + " (neither a worker nor an API token)");
            }
        }
        return new Reviewer(CertificationItem.OPERATORS, "operators: none of " + String.join(", ", specs) + " applies"
            + (passed.isEmpty() ? "" : " (" + String.join(", ", passed) + ")"));
    }

    /** The reviewer values a principal decides for: their HR identity, their token name, operators. */
    public List<String> reviewerKeys(Principal p) {
        List<String> keys = new ArrayList<>();
        if (p.kind() == Principal.Kind.PERSON && p.identity() != null) {
            keys.add(p.identity());
        }
        if (p.kind() == Principal.Kind.TOKEN) {
            keys.add("token:" + p.name());
        }
        if (p.has(Role.OPERATOR)) {
            keys.add(CertificationItem.OPERATORS);
        }
        return keys;
    }

    public Optional<Campaign> campaign(String id) {
        return repository.campaign(id);
    }

    public List<Campaign> campaigns(Campaign.@Nullable Status status, int offset, int limit) {
        return repository.campaigns(status, null, offset, limit);
    }

    /** Newest first, after a position (null: from {@code offset}). */
    public List<Campaign> campaigns(Campaign.@Nullable Status status, org.roster.store.Keyset.@Nullable Position after, int offset, int limit) {
        return repository.campaigns(status, after, offset, limit);
    }

    /**
     * A campaign's items after a cursor (an item id), for a reviewer (an employee number,
     * {@code token:<name>} or {@code operators}). Operators, auditors and admins see any reviewer's;
     * anyone else sees only their own.
     */
    public List<CertificationItem> items(String campaign, @Nullable String reviewer, CertificationItem.@Nullable Status status,
                                         String after, int limit, Principal by) {
        repository.campaign(campaign).orElseThrow(() -> new CertificationException(Why.NOT_FOUND, "id",
            "no campaign " + campaign));
        boolean overseer = by.has(Role.OPERATOR) || by.has(Role.AUDITOR) || by.has(Role.ADMIN);
        List<String> reviewers;
        if (reviewer != null && !reviewer.isBlank()) {
            if (!overseer && !reviewerKeys(by).contains(reviewer.strip())) {
                throw new CertificationException(Why.FORBIDDEN, "reviewer", "you see your own items ("
                    + String.join(", ", reviewerKeys(by)) + "); operators, auditors and admins see anyone's");
            }
            reviewers = List.of(reviewer.strip());
        } else {
            reviewers = overseer ? List.of() : reviewerKeys(by);
            if (reviewers.isEmpty() && !overseer) {
                return List.of();
            }
        }
        return repository.items(campaign, reviewers, status, after, limit);
    }

    /** Open items the principal decides, across campaigns, soonest due first (their work). */
    public List<CertificationItem> openFor(Principal p, int limit) {
        return repository.openFor(reviewerKeys(p), limit).stream()
            .filter(i -> p.identity() == null || !p.identity().equals(i.identity())).toList();
    }

    /** A reviewer's open items in one campaign: how many, due when. */
    public record ReviewerLoad(String campaign, String campaignName, String reviewer, long open, Instant due) {
    }

    /** Open items per campaign and reviewer (at most {@code limit} rows), for notifications. */
    public List<ReviewerLoad> openByReviewer(int limit) {
        return repository.openByReviewer(limit);
    }

    public Optional<CertificationItem> item(String id) {
        return repository.item(id);
    }

    /**
     * A reviewer's decision on an item: {@code keep} or {@code revoke}, with a reason. A revocation
     * ends the standing grants behind the access (or keeps policy's access from the person until
     * their position changes) and plans the identity again, as source {@code certification}.
     */
    public CertificationItem decide(String itemId, @Nullable String decision, @Nullable String reason, Principal by) {
        String d = decision == null ? "" : decision.strip().toLowerCase(java.util.Locale.ROOT);
        if (!d.equals("keep") && !d.equals("revoke")) {
            throw new CertificationException(Why.INVALID, "decision", "'" + decision + "' is not keep or revoke");
        }
        if (reason == null || reason.isBlank()) {
            throw new CertificationException(Why.INVALID, "reason", "is required: say why the access stays or goes");
        }
        if (reason.length() > 1000) {
            throw new CertificationException(Why.INVALID, "reason", "is longer than 1000 characters");
        }
        CertificationItem first = repository.item(itemId).orElseThrow(() -> new CertificationException(Why.NOT_FOUND, "id",
            "no item " + itemId));
        CertificationItem done = java.util.Objects.requireNonNull(tx.execute(s -> {
            lifecycle.lock(first.identity());
            CertificationItem i = repository.item(itemId).orElseThrow();
            if (by.identity() != null && by.identity().equals(i.identity())) {
                throw new CertificationException(Why.FORBIDDEN, "reviewer", "nobody certifies their own access: "
                    + i.identity() + " is you");
            }
            if (!reviewerKeys(by).contains(i.reviewer())) {
                throw new CertificationException(Why.FORBIDDEN, "reviewer", "item " + i.id() + " is reviewed by "
                    + i.reviewer() + " (" + i.reviewerWhy() + "), not " + by.name());
            }
            if (i.status() != CertificationItem.Status.OPEN) {
                throw new CertificationException(Why.CONFLICT, "status", "item " + i.id() + " was decided already ("
                    + i.status() + " by " + i.decidedBy() + ")");
            }
            boolean revoke = d.equals("revoke");
            repository.decide(i.id(), revoke ? CertificationItem.Status.REVOKED : CertificationItem.Status.KEPT, by.name(),
                clock.instant(), reason.strip(), false);
            record(i, revoke ? "CERTIFICATION_REVOKED" : "CERTIFICATION_KEPT", by.name(), i.target() + ":" + i.entitlement()
                + (revoke ? " revoked" : " kept") + " by " + by.name() + ": " + reason.strip());
            if (revoke) {
                revoke(i, by.name(), reason.strip());
            }
            return repository.item(i.id()).orElseThrow();
        }));
        closeIfDone(done.campaignId());
        return done;
    }

    /** What a bulk decision did: how many items were decided, and why the others were not (at most 100 reasons). */
    public record Bulk(int decided, int refused, List<String> refusals) {
    }

    /**
     * One decision, with one reason, on many items of a campaign (at most 1 000): each is decided on
     * its own, as {@link #decide} would, so one refused item (not the caller's, decided already) does
     * not stop the others.
     */
    public Bulk decideAll(String campaign, @Nullable List<String> itemIds, @Nullable String decision,
                          @Nullable String reason, Principal by) {
        if (itemIds == null || itemIds.isEmpty()) {
            throw new CertificationException(Why.INVALID, "items", "is required: the ids of the items to decide");
        }
        if (itemIds.size() > 1_000) {
            throw new CertificationException(Why.INVALID, "items", "at most 1000 per request, not " + itemIds.size());
        }
        int decided = 0;
        List<String> refusals = new ArrayList<>();
        for (String id : itemIds) {
            try {
                CertificationItem i = repository.item(id).filter(x -> x.campaignId().equals(campaign))
                    .orElseThrow(() -> new CertificationException(Why.NOT_FOUND, "items", "no item " + id + " in campaign "
                        + campaign));
                decide(i.id(), decision, reason, by);
                decided++;
            } catch (CertificationException e) {
                if (e.field().equals("decision") || e.field().equals("reason")) {
                    throw e; // the same for every item: nothing was decided
                }
                if (refusals.size() < 100) {
                    refusals.add(id + ": " + e.getMessage());
                }
            }
        }
        return new Bulk(decided, itemIds.size() - decided, refusals);
    }

    /** Takes the access away: the grants behind it end, policy's share is excluded, the identity is planned again. */
    private void revoke(CertificationItem i, String by, String reason) {
        for (String g : i.grants()) {
            grants.endAtCertification(g, by, reason);
        }
        if (i.source().equals("rule") || i.why().startsWith("policy rule")) {
            grants.excludeAtCertification(i.identity(), i.target(), i.entitlement(), by, reason, "cert-" + i.id());
        }
        events.publishEvent(new AccessChanged(i.identity(), "certification: " + i.target() + ":" + i.entitlement()
            + " revoked by " + by, "cert-" + i.id(), "certification"));
    }

    /**
     * Items past their deadline become what their campaign says (by default: revoked if privileged,
     * kept otherwise; escalated to the reviewer's manager once, then revoked); campaigns with nothing
     * open left close. Returns how many items were handled.
     */
    public int closeDue(Instant now) {
        Map<String, Campaign> campaigns = new HashMap<>();
        int handled = closing.<CertificationItem>walk(last -> repository.due(now, last, DUE_PAGE), DUE_PAGE,
            i -> List.of(i.id(), i.reviewer(), i.dueAt()),
            i -> i.target() + ":" + i.entitlement() + " of " + i.identity() + " (due " + i.dueAt() + ")", null,
            i -> close(i, campaigns.computeIfAbsent(i.campaignId(), id -> repository.campaign(id).orElseThrow())));
        closeFinished();
        return handled;
    }

    /** Items past their deadline read at once. */
    private static final int DUE_PAGE = 200;

    /** Items past their deadline that could not be closed, by id, reviewer and deadline. */
    private final org.roster.runtime.Retries<List<Object>> closing = new org.roster.runtime.Retries<>("certification",
        "the deadline of", org.slf4j.LoggerFactory.getLogger(Certifications.class));

    /** An item past its deadline becomes what its campaign says, in a transaction of its own. */
    private void close(CertificationItem i, Campaign c) {
        OnDeadline then = c.onDeadline() != null ? c.onDeadline() : i.privileged() ? OnDeadline.REVOKE : OnDeadline.KEEP;
        tx.executeWithoutResult(s -> {
            lifecycle.lock(i.identity());
            if (then == OnDeadline.ESCALATE && !i.escalated()) {
                Reviewer up = escalation(i);
                if (repository.reassign(i.id(), up.key(), up.why(), clock.instant().plus(c.escalateFor()), true)) {
                    record(i, "CERTIFICATION_ESCALATED", "roster", i.target() + ":" + i.entitlement() + " not decided by "
                        + i.reviewer() + " by " + i.dueAt() + ": escalated to " + up.key() + " (" + up.why() + ")");
                }
                return;
            }
            boolean revoke = then != OnDeadline.KEEP;
            if (repository.decide(i.id(), revoke ? CertificationItem.Status.REVOKED : CertificationItem.Status.KEPT,
                    "roster", clock.instant(), "not decided by " + i.dueAt() + ": " + then.name().toLowerCase(
                        java.util.Locale.ROOT) + (c.onDeadline() == null ? " (the default for "
                        + (i.privileged() ? "privileged" : "other") + " access)" : ""), true)) {
                record(i, revoke ? "CERTIFICATION_REVOKED" : "CERTIFICATION_KEPT", "roster", i.target() + ":"
                    + i.entitlement() + (revoke ? " revoked" : " kept") + " at the deadline: " + i.reviewer()
                    + " did not decide by " + i.dueAt());
                if (revoke) {
                    revoke(i, "roster", "not certified by " + i.dueAt());
                }
            }
        });
    }

    /**
     * How long until the deadline of an item due after {@code since} (when the last pass began), or until one that
     * failed may be tried again, at most {@code most} ms.
     */
    public long millisToNext(Instant since, long most) {
        return closing.millisToNext(repository.nextDueAfter(since), clock, most);
    }

    /** The reviewer's manager, if they work here and are not the person reviewed; else operators. */
    private Reviewer escalation(CertificationItem i) {
        Optional<String> manager = CertificationItem.OPERATORS.equals(i.reviewer()) || i.reviewer().startsWith("token:")
            ? Optional.empty() : principals.managerOf(i.reviewer());
        if (manager.isPresent() && principals.active(manager.get()) && !manager.get().equals(i.identity())) {
            return new Reviewer(manager.get(), "the manager of " + i.reviewer() + ", who did not decide in time");
        }
        return new Reviewer(CertificationItem.OPERATORS, "operators: " + i.reviewer() + " did not decide in time and has"
            + " no manager to escalate to");
    }

    private void closeFinished() {
        repository.finished().forEach(this::closeIfDone);
    }

    /** Closes an open campaign once nothing in it is open. */
    private void closeIfDone(String id) {
        tx.executeWithoutResult(s -> {
            if (repository.closeIfDone(id, clock.instant())) {
                Campaign c = repository.campaign(id).orElseThrow();
                audit.append(new AuditEntry(null, "CERTIFICATION_CLOSED", AuditEntry.Stage.DECISION, "roster", null,
                    "campaign '" + c.name() + "' closed: " + c.items() + " item(s) decided", "cert-" + id));
            }
        });
    }

    /**
     * A reviewer who leaves (or goes on leave) hands their open items to the next reviewer their
     * campaign names, at that moment, in the same transaction; the open items about a person who
     * leaves end (their access goes with the employment).
     */
    @EventListener
    void reviewerGone(IdentityTransitioned t) {
        if (t.kind() != TransitionKind.LEAVER && t.kind() != TransitionKind.LEAVE_START) {
            return;
        }
        if (t.kind() == TransitionKind.LEAVER) {
            int ended = repository.endOpenAbout(t.employeeNumber(), clock.instant());
            if (ended > 0) {
                audit.append(new AuditEntry(t.employeeNumber(), "CERTIFICATION_ENDED", AuditEntry.Stage.DECISION, "roster",
                    null, ended + " open certification item(s) about " + t.employeeNumber() + " ended: they left, and"
                        + " their access went with the employment", t.hrEventId()));
            }
        }
        Map<String, Campaign> campaigns = new HashMap<>();
        for (CertificationItem i : repository.openReviewedBy(t.employeeNumber())) {
            Campaign c = campaigns.computeIfAbsent(i.campaignId(), id -> repository.campaign(id).orElseThrow());
            Reviewer next = reviewer(c.reviewers(), i.identity(), i.target(), i.entitlement());
            if (next.key().equals(t.employeeNumber())) {
                next = new Reviewer(CertificationItem.OPERATORS, "operators: " + t.employeeNumber() + " stopped working");
            }
            repository.reassign(i.id(), next.key(), next.why(), i.dueAt(), i.escalated());
            record(i, "CERTIFICATION_REVIEWER_CHANGED", "roster", i.target() + ":" + i.entitlement() + " of " + i.identity()
                + " goes from " + t.employeeNumber() + " (" + t.kind() + ") to " + next.key() + " (" + next.why() + ")");
        }
    }

    /**
     * Micro-certifications: a new manager, a return from leave, a contractor's end date moved later,
     * a conversion ask the (new) manager to confirm the person's access outside birthright. Runs
     * once the transition's other work (kept-on-move grants) is in, before it commits.
     */
    @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT, fallbackExecution = true)
    void microCertification(IdentityTransitioned t) {
        String event = null;
        String what = null;
        if ((t.kind() == TransitionKind.MOVER || t.kind() == TransitionKind.CONVERSION)
            && t.changes().stream().anyMatch(c -> c.startsWith("manager: "))) {
            event = "manager-change";
            what = t.changes().stream().filter(c -> c.startsWith("manager: ")).findFirst().orElseThrow();
        } else if (t.kind() == TransitionKind.CONVERSION) {
            event = "conversion";
            what = String.join("; ", t.changes());
        } else if (t.kind() == TransitionKind.LEAVE_RETURN) {
            event = "leave-return";
            what = "back from leave";
        } else if (t.changes().stream().anyMatch(Certifications::endDateExtended)) {
            event = "end-date-extended";
            what = t.changes().stream().filter(Certifications::endDateExtended).findFirst().orElseThrow();
        }
        if (event == null || !settings.event(event).enabled()) {
            return;
        }
        Instant now = clock.instant();
        Campaign c = new Campaign(UUID.randomUUID().toString(), event + " of " + t.employeeNumber(), null, "EVENT",
            what, OUTSIDE_BIRTHRIGHT, List.of("manager"), OnDeadline.REVOKE, Duration.ofDays(7), now, "roster",
            now.plus(settings.event(event).within()), Campaign.Status.OPEN, null, t.employeeNumber(), 0, 0);
        List<CertificationItem> items = itemsFor(c, t.employeeNumber(), t.worker(), t.to(),
            provisioning.acknowledgedAccounts(t.employeeNumber()), OUTSIDE_BIRTHRIGHT_SCOPE, null);
        if (items.isEmpty()) {
            return;
        }
        repository.insert(c);
        repository.insertItems(items);
        audit.append(new AuditEntry(t.employeeNumber(), "CERTIFICATION_STARTED", AuditEntry.Stage.DECISION, "roster", null,
            "micro-certification (" + event + ": " + what + "): " + items.size() + " access(es) outside birthright to be"
                + " confirmed by " + items.get(0).reviewer() + " by " + c.dueAt() + ", revoked if not", t.hrEventId()));
    }

    private static boolean endDateExtended(String change) {
        if (!change.startsWith("endDate: ")) {
            return false;
        }
        String[] parts = change.substring("endDate: ".length()).split(" -> ");
        try {
            return parts.length == 2 && LocalDate.parse(parts[1]).isAfter(LocalDate.parse(parts[0]));
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    private void record(CertificationItem i, String kind, String actor, String detail) {
        audit.append(new AuditEntry(i.identity(), kind, AuditEntry.Stage.DECISION, actor, i.target(), detail,
            "cert-" + i.id()));
    }

    private static Condition condition(String scope, String where) {
        try {
            return Condition.compile(where, scope);
        } catch (PolicyException e) {
            throw new CertificationException(Why.INVALID, "scope", e.getMessage());
        }
    }

    /**
     * When each scheduled definition should start next: its cron's next time after its last start, or
     * after {@code since} (when the schedule began watching) for its first.
     */
    public Map<String, Instant> nextStarts(Instant since) {
        Map<String, Instant> out = new LinkedHashMap<>();
        settings.campaigns().forEach((name, d) -> {
            if (d.schedule() == null) {
                return;
            }
            var cron = org.springframework.scheduling.support.CronExpression.parse(d.schedule());
            Instant last = repository.lastStart(name).orElse(null);
            java.time.ZonedDateTime from = (last != null ? last : since).atZone(java.time.ZoneOffset.UTC);
            java.time.ZonedDateTime next = cron.next(from);
            if (next != null) {
                out.put(name, next.toInstant());
            }
        });
        return out;
    }
}
