package org.roster.nhi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.hr.HrRecords;
import org.roster.lifecycle.IdentityTransitioned;
import org.roster.lifecycle.Lifecycle;
import org.roster.lifecycle.LifecycleState;
import org.roster.lifecycle.TransitionKind;
import org.roster.runtime.Refusal.Why;
import org.roster.nhi.internal.NhiRepository;
import org.roster.nhi.internal.NhiSecretDelivery;
import org.roster.plan.Operation;
import org.roster.plan.OperationKind;
import org.roster.plan.Plan;
import org.roster.plan.PlanningStage;
import org.roster.principals.Principal;
import org.roster.principals.Role;
import org.roster.provisioning.NonHumanOperationAcknowledged;
import org.roster.provisioning.Provisioning;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The inventory of non-human identities and their lifecycle, tied to the people who own them. A
 * leaver's NHIs go, in the leaver's own transaction, to their HR manager for review (or become
 * orphans when nobody is above them), and the AI agents acting for the leaver end with them; a
 * mover's NHIs are reviewed again; expiries end NHIs when their time comes. Every step is audited.
 */
@Service
public class NonHumanIdentities {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(NonHumanIdentities.class);

    private final NhiRepository repository;
    private final Lifecycle lifecycle;
    private final HrRecords hr;
    private final Provisioning provisioning;
    private final PlanningStage planning;
    private final NhiSecretDelivery sinks;
    private final AuditLog audit;
    private final NhiSettings settings;
    private final TransactionTemplate tx;
    private final Clock clock;

    public NonHumanIdentities(NhiRepository repository, Lifecycle lifecycle, HrRecords hr, Provisioning provisioning,
                              PlanningStage planning, NhiSecretDelivery sinks, AuditLog audit, NhiSettings settings,
                              TransactionTemplate tx, Clock clock, io.micrometer.core.instrument.MeterRegistry meters) {
        this.repository = repository;
        this.lifecycle = lifecycle;
        this.hr = hr;
        this.provisioning = provisioning;
        this.planning = planning;
        this.sinks = sinks;
        this.audit = audit;
        this.settings = settings;
        this.tx = tx;
        this.clock = clock;
        io.micrometer.core.instrument.Gauge.builder("roster.nhi.due.failing", this::failing)
            .description("NHI expiries and deletions due that could not be done, waiting to be tried again")
            .register(meters);
    }

    /** A declaration: what it is, where, who answers for it, why it exists, and until when. */
    public record Declaration(@Nullable String name, @Nullable String kind, @Nullable String target,
                              @Nullable String owner, @Nullable String actingFor, @Nullable String purpose,
                              @Nullable Instant expiresAt) {
    }

    /**
     * Declares an NHI. Operators declare any; anyone else only one they own themselves.
     *
     * @throws NhiException naming the field, for a declaration Roster refuses
     */
    public Nhi declare(Declaration d, Principal by) {
        String name = required("name", d.name());
        if (!name.matches("[A-Za-z0-9._@:/+-]{1,200}")) {
            throw new NhiException(Why.INVALID, "name", "must be 1 to 200 letters, digits or . _ @ : / + -");
        }
        Nhi.Kind kind = Nhi.Kind.fromWire(required("kind", d.kind())).orElseThrow(() -> new NhiException(Why.INVALID,
            "kind", "'" + d.kind() + "' is not one of service-account, api-key, oauth-client, workload, ai-agent"));
        String target = required("target", d.target());
        if (!provisioning.targets().contains(target)) {
            throw new NhiException(Why.INVALID, "target", "'" + target + "' is not a configured target");
        }
        String owner = required("owner", d.owner());
        if (!active(owner)) {
            throw new NhiException(Why.INVALID, "owner", owner + " is not an active identity: an NHI is owned by"
                + " someone who works here");
        }
        if (!by.has(Role.OPERATOR) && !owner.equals(by.identity())) {
            throw new NhiException(Why.FORBIDDEN, "owner", "you may declare NHIs you own yourself; an operator declares"
                + " them for others");
        }
        String purpose = required("purpose", d.purpose());
        if (purpose.length() > 500) {
            throw new NhiException(Why.INVALID, "purpose", "is longer than 500 characters");
        }
        String actingFor = d.actingFor() == null || d.actingFor().isBlank() ? null : d.actingFor().strip();
        if (kind == Nhi.Kind.AI_AGENT && actingFor == null) {
            throw new NhiException(Why.INVALID, "actingFor", "an AI agent acts for a person: give their employee number");
        }
        if (actingFor != null && !active(actingFor)) {
            throw new NhiException(Why.INVALID, "actingFor", actingFor + " is not an active identity");
        }
        Instant now = clock.instant();
        if (d.expiresAt() == null) {
            throw new NhiException(Why.INVALID, "expiresAt", "is required: every NHI expires");
        }
        if (!d.expiresAt().isAfter(now)) {
            throw new NhiException(Why.INVALID, "expiresAt", "must be in the future");
        }
        if (d.expiresAt().isAfter(now.plus(settings.maxLifetime(kind)))) {
            throw new NhiException(Why.INVALID, "expiresAt", "is beyond the longest a " + kind.wire() + " may live ("
                + settings.maxLifetime(kind).toDays() + " days, roster.nhi.max-lifetime." + kind.wire() + ")");
        }
        Nhi n = new Nhi(UUID.randomUUID().toString(), name, kind, target, owner, actingFor, purpose, Nhi.State.ACTIVE,
            "DECLARED", now, by.name(), d.expiresAt(), null, null, now, credential(kind, null), null, null, null);
        return java.util.Objects.requireNonNull(tx.execute(s -> {
            if (repository.exists(target, name)) {
                throw new NhiException(Why.CONFLICT, "name", "'" + name + "' on " + target + " is declared already");
            }
            repository.insert(n);
            record(n, "NHI_DECLARED", by.name(), kind.wire() + " " + name + " on " + target + " declared, owned by " + owner
                + (actingFor == null ? "" : ", acting for " + actingFor) + ", for: " + purpose + ", until " + d.expiresAt());
            org.roster.store.AfterCommit.run(dueChanged); // its expiry may come before anything the loop waits for
            return n;
        }));
    }

    private volatile Runnable dueChanged = () -> { };

    /** Told, after the commit, when an NHI's expiry was set: the schedule's loop looks again at what is due. */
    public void onDueChanged(Runnable wake) {
        this.dueChanged = wake;
    }

    public Optional<Nhi> find(String id) {
        return repository.find(id);
    }

    public List<Nhi> list(@Nullable String owner, Nhi.@Nullable Kind kind, @Nullable String target,
                          Nhi.@Nullable State state, int offset, int limit) {
        return repository.list(owner, kind, target, state, null, offset, limit);
    }

    /** By target and name, after the NHI with id {@code after} (null: from {@code offset}). */
    public List<Nhi> list(@Nullable String owner, Nhi.@Nullable Kind kind, @Nullable String target,
                          Nhi.@Nullable State state, @Nullable String after, int offset, int limit) {
        return repository.list(owner, kind, target, state, after, offset, limit);
    }

    /** NHIs waiting for a person's review (handed over, or after they moved). */
    public List<Nhi> reviewsFor(String owner) {
        return repository.ownedBy(owner).stream().filter(n -> n.state() == Nhi.State.REVIEW).toList();
    }

    public Map<Nhi.State, Long> countByState() {
        return repository.countByState();
    }

    /**
     * The inventory as evidence (OWASP NHI3, NIST CSF PR.AA): counts per state, reviews past their
     * deadline, live NHIs owned by people who do not work here (a handover that did not happen) or
     * past their expiry, credentials older than their kind's maximum age, and rotations in a period.
     */
    public record Inventory(Map<Nhi.State, Long> byState, long overdueReviews, long ownedByLeavers, long overdueExpiries,
                            long staleCredentials, long rotated) {
    }

    public Inventory inventory(Instant from, Instant to) {
        Instant now = clock.instant();
        long stale = 0;
        for (Nhi.Kind kind : Nhi.Kind.values()) {
            if (Nhi.Credential.kindFor(kind) != null) {
                stale += repository.countCredentialsOlderThan(kind, now.minus(settings.maxCredentialAge(kind)));
            }
        }
        List<String> gone = repository.liveOwners(10_000).stream().filter(o -> !active(o)).toList();
        return new Inventory(repository.countByState(), repository.countOverdueReviews(now),
            repository.countLiveOwnedBy(gone), repository.countExpiredLive(now), stale,
            repository.countRotatedBetween(from, to));
    }

    /** The owner (or an operator) confirms it is still needed, by them: it is active again. */
    public Nhi confirm(String id, Principal by, @Nullable String note) {
        return decide(id, by, note, Nhi.State.ACTIVE, "NHI_REVIEWED", "kept");
    }

    /** The owner (or an operator) ends it. */
    public Nhi retire(String id, Principal by, @Nullable String note) {
        return decide(id, by, note, Nhi.State.RETIRED, "NHI_RETIRED", "retired");
    }

    private Nhi decide(String id, Principal by, @Nullable String note, Nhi.State to, String kind, String verb) {
        return java.util.Objects.requireNonNull(tx.execute(s -> {
            Nhi n = repository.find(id).orElseThrow(() -> new NhiException(Why.NOT_FOUND, "id", "no NHI " + id));
            if (n.state() == Nhi.State.EXPIRED || n.state() == Nhi.State.RETIRED || (to == Nhi.State.ACTIVE
                && n.state() == Nhi.State.ORPHAN)) {
                throw new NhiException(Why.CONFLICT, "state", "NHI " + n.name() + " is " + n.state()
                    + (n.state() == Nhi.State.ORPHAN ? ": give it an owner first" : ""));
            }
            boolean owner = n.owner() != null && n.owner().equals(by.identity());
            if (!owner && !by.has(Role.OPERATOR)) {
                throw new NhiException(Why.FORBIDDEN, "owner", "NHI " + n.name() + " is decided by its owner "
                    + n.owner() + " or an operator, not " + by.name());
            }
            repository.move(id, n.state(), to, n.owner(), null, null, clock.instant());
            record(n, kind, by.name(), n.kind().wire() + " " + n.name() + " on " + n.target() + " " + verb + " by " + by.name()
                + (note == null || note.isBlank() ? "" : ": " + note));
            if (to == Nhi.State.RETIRED) {
                takeOutOfUse(n, "retired by " + by.name(), "nhi-" + n.id(), clock.instant(), false, by.name());
            }
            return repository.find(id).orElseThrow();
        }));
    }

    /** An operator gives an NHI (an orphan, or one whose owner should change) an owner who works here. */
    public Nhi assignOwner(String id, @Nullable String owner, Principal by) {
        String who = required("owner", owner);
        if (!active(who)) {
            throw new NhiException(Why.INVALID, "owner", who + " is not an active identity");
        }
        return java.util.Objects.requireNonNull(tx.execute(s -> {
            Nhi n = repository.find(id).orElseThrow(() -> new NhiException(Why.NOT_FOUND, "id", "no NHI " + id));
            if (n.state() == Nhi.State.EXPIRED || n.state() == Nhi.State.RETIRED) {
                throw new NhiException(Why.CONFLICT, "state", "NHI " + n.name() + " is " + n.state());
            }
            repository.move(id, n.state(), Nhi.State.ACTIVE, who, n.owner(), null, clock.instant());
            record(n, "NHI_OWNER_CHANGED", by.name(), n.kind().wire() + " " + n.name() + " on " + n.target()
                + " given to " + who + " by " + by.name() + (n.owner() == null ? " (it had no owner)" : ", was " + n.owner()));
            return repository.find(id).orElseThrow();
        }));
    }

    /** A batch reads together which of its workers own NHIs (see {@link org.roster.hr.WorkersArriving}). */
    @EventListener
    void on(org.roster.hr.WorkersArriving arriving) {
        repository.prefetchOwners(arriving.employeeNumbers());
    }

    /**
     * The owner left: each NHI goes to their HR manager for review, or becomes an orphan when there is
     * none; an AI agent acting for them ends. The owner moved: their NHIs are reviewed again. In the
     * transition's own transaction, so a leaver is never recorded without the handover.
     */
    @EventListener
    void on(IdentityTransitioned t) {
        Instant now = clock.instant();
        if (t.kind() == TransitionKind.LEAVER) {
            String manager = t.worker().managerEmployeeNumber();
            String heir = manager != null && active(manager) ? manager : null;
            for (Nhi n : repository.ownedBy(t.employeeNumber())) {
                if (n.kind() == Nhi.Kind.AI_AGENT && t.employeeNumber().equals(n.actingFor())) {
                    continue; // ended below, with the person it acts for
                }
                if (n.kind() != Nhi.Kind.WORKLOAD && n.kind() != Nhi.Kind.AI_AGENT) {
                    // the leaver could have seen its secret: a new one, queued with the leaver's own revocations
                    planRotation(n, "its owner " + t.employeeNumber() + " left and could have seen it", t.hrEventId(),
                        t.receivedAt(), true, t.actor());
                }
                if (heir != null) {
                    repository.move(n.id(), n.state(), Nhi.State.REVIEW, heir, t.employeeNumber(),
                        now.plus(settings.reviewDeadline()), now);
                    record(n, "NHI_OWNER_CHANGED", "roster", n.kind().wire() + " " + n.name() + " on " + n.target()
                        + " handed from leaver " + t.employeeNumber() + " to their manager " + heir + ", who reviews it by "
                        + now.plus(settings.reviewDeadline()));
                } else {
                    repository.move(n.id(), n.state(), Nhi.State.ORPHAN, null, t.employeeNumber(), null, now);
                    record(n, "NHI_ORPHANED", "roster", n.kind().wire() + " " + n.name() + " on " + n.target()
                        + " has no owner: " + t.employeeNumber() + " left and HR names no manager who works here");
                }
            }
            for (Nhi n : repository.actingFor(t.employeeNumber())) {
                repository.move(n.id(), n.state(), Nhi.State.RETIRED, n.owner(), n.previousOwner(), null, now);
                record(n, "NHI_ENDED", "roster", "ai-agent " + n.name() + " on " + n.target() + " ended: "
                    + t.employeeNumber() + ", whom it acted for, left");
                takeOutOfUse(n, t.employeeNumber() + ", whom it acted for, left", t.hrEventId(), t.receivedAt(), true,
                    t.actor());
            }
        } else if (t.kind() == TransitionKind.MOVER || t.kind() == TransitionKind.CONVERSION) {
            for (Nhi n : repository.ownedBy(t.employeeNumber())) {
                if (n.state() == Nhi.State.ACTIVE) {
                    repository.move(n.id(), Nhi.State.ACTIVE, Nhi.State.REVIEW, n.owner(), n.previousOwner(),
                        now.plus(settings.reviewDeadline()), now);
                    record(n, "NHI_REVIEW_OPENED", "roster", n.kind().wire() + " " + n.name() + " on " + n.target()
                        + " to be reviewed by its owner " + n.owner() + ", who moved (" + String.join("; ", t.changes()) + ")");
                }
            }
        }
    }

    /**
     * Queues a new value for the NHI's credential on its target, delivered only to the secret sink;
     * the owner or an operator asks for it. The audit records that it happened, by whom, for which NHI.
     */
    public Nhi rotate(String id, Principal by) {
        return java.util.Objects.requireNonNull(tx.execute(s -> {
            Nhi n = repository.find(id).orElseThrow(() -> new NhiException(Why.NOT_FOUND, "id", "no NHI " + id));
            boolean owner = n.owner() != null && n.owner().equals(by.identity());
            if (!owner && !by.has(Role.OPERATOR)) {
                throw new NhiException(Why.FORBIDDEN, "owner", "NHI " + n.name() + " is rotated by its owner " + n.owner()
                    + " or an operator, not " + by.name());
            }
            if (n.state() == Nhi.State.EXPIRED || n.state() == Nhi.State.RETIRED) {
                throw new NhiException(Why.CONFLICT, "state", "NHI " + n.name() + " is " + n.state());
            }
            String unable = cannotRotate(n);
            if (unable != null) {
                throw new NhiException(Why.CONFLICT, unable.startsWith("no secret sink") ? "sink" : "target", unable);
            }
            planRotation(n, "asked by " + by.name(), "nhi-" + n.id(), clock.instant(), false, by.name());
            return repository.find(id).orElseThrow();
        }));
    }

    /** Why the NHI's credential cannot be rotated by Roster, or null when it can. */
    private @Nullable String cannotRotate(Nhi n) {
        if (n.credential() == null) {
            return "a " + n.kind().wire() + " holds no credential Roster rotates";
        }
        if (!sinks.available()) {
            return "no secret sink is configured (roster.nhi.sink): a new secret would have nowhere to go";
        }
        if (!provisioning.supports(n.target(), OperationKind.NHI_ROTATE)) {
            return "target '" + n.target() + "' cannot rotate credentials";
        }
        return null;
    }

    /**
     * Queues a rotation through the planner (guard, outbox, dispatcher, audit); where it cannot be
     * done, records that it is needed by hand. In the caller's transaction.
     */
    private void planRotation(Nhi n, String why, String correlationId, Instant receivedAt, boolean priority, String actor) {
        String unable = cannotRotate(n);
        if (unable != null) {
            record(n, "NHI_ROTATION_UNAVAILABLE", actor, correlationId, n.kind().wire() + " " + n.name() + " on "
                + n.target() + " needs a new credential (" + why + "), but " + unable + ": rotate it by hand");
            return;
        }
        submit(n, OperationKind.NHI_ROTATE, "rotate the credential of " + n.name() + ": " + why, correlationId,
            receivedAt, priority, actor);
        repository.rotationPlanned(n.id(), clock.instant());
    }

    /**
     * An expired or retired NHI is disabled on its target, and deleted there after
     * {@code roster.nhi.delete-after}. Never one that nobody ever owned (found by discovery): an
     * orphan finding is reported, not acted on.
     */
    private void takeOutOfUse(Nhi n, String why, String correlationId, Instant receivedAt, boolean priority,
                              String actor) {
        if (n.owner() == null && n.previousOwner() == null && "DISCOVERED".equals(n.origin())) {
            record(n, "NHI_LEFT_ALONE", actor, correlationId, n.kind().wire() + " " + n.name() + " on " + n.target()
                + " ended in the inventory only (" + why + "): nobody ever owned it, and Roster never touches an orphan"
                + " finding on its target");
            return;
        }
        if (!provisioning.supports(n.target(), OperationKind.NHI_DISABLE)) {
            record(n, "NHI_DISABLE_UNAVAILABLE", actor, correlationId, n.kind().wire() + " " + n.name() + " on "
                + n.target() + " ended (" + why + "), but target '" + n.target() + "' cannot disable it: do it by hand");
            return;
        }
        submit(n, OperationKind.NHI_DISABLE, "disable " + n.name() + ": " + why, correlationId, receivedAt, priority, actor);
        repository.deleteAfter(n.id(), clock.instant().plus(settings.deleteAfter()));
    }

    private void submit(Nhi n, OperationKind kind, String reason, String correlationId, Instant receivedAt,
                        boolean priority, String actor) {
        Operation op = new Operation(n.target(), n.operationKey(), kind, Map.of("name", n.name(), "kind", n.kind().wire()),
            null, reason, priority);
        planning.submit(new Plan(n.operationKey(), correlationId, receivedAt, clock.instant(), "nhi", List.of(op), "nhi"),
            actor);
    }

    /** A target acknowledged an operation on an NHI: the inventory says so, in the same transaction. */
    @EventListener
    void on(NonHumanOperationAcknowledged done) {
        String key = done.operation().identity();
        Optional<Nhi> found = key.startsWith("nhi:") ? repository.find(key.substring(4)) : Optional.empty();
        if (found.isEmpty()) {
            return;
        }
        Nhi n = found.get();
        String what = n.kind().wire() + " " + n.name() + " on " + n.target();
        switch (done.operation().kind()) {
            case NHI_ROTATE -> {
                repository.rotated(n.id(), done.at());
                record(n, "NHI_ROTATED", "roster", done.correlationId(), "credential of " + what + " rotated ("
                    + done.operation().reason() + "); the new value went to the secret sink only");
            }
            case NHI_DISABLE -> {
                repository.disabled(n.id(), done.at());
                record(n, "NHI_DISABLED", "roster", done.correlationId(), what + " disabled on its target ("
                    + done.operation().reason() + ")" + (n.deleteAfter() == null ? "" : "; deleted there after "
                    + n.deleteAfter()));
            }
            case NHI_DELETE -> {
                repository.deleted(n.id(), done.at());
                record(n, "NHI_DELETED", "roster", done.correlationId(), what + " deleted on its target");
            }
            default -> {
                // not an NHI operation
            }
        }
    }

    /**
     * Rotates the credentials older than their kind's {@code roster.nhi.max-credential-age} (counted
     * from the last rotation, else from when the target says it was made, else from the declaration),
     * of owned NHIs on targets that can rotate; returns how many were queued.
     */
    public int rotateByAge() {
        if (!sinks.available()) {
            return 0;
        }
        Instant now = clock.instant();
        int planned = 0;
        for (Nhi.Kind kind : Nhi.Kind.values()) {
            if (Nhi.Credential.kindFor(kind) == null) {
                continue;
            }
            Duration max = settings.maxCredentialAge(kind);
            for (Nhi n : repository.credentialsOlderThan(kind, now.minus(max), now.minus(Duration.ofDays(1)), 200)) {
                if (cannotRotate(n) != null) {
                    continue;
                }
                Nhi.Credential c = java.util.Objects.requireNonNull(n.credential());
                Instant since = c.since() != null ? c.since() : n.createdAt();
                tx.executeWithoutResult(s -> planRotation(n, "its " + c.kind() + " is older than " + max.toDays()
                    + " days (since " + since + ")", "nhi-" + n.id(), now, false, "roster"));
                planned++;
            }
        }
        return planned;
    }

    /** What a discovery found: new orphans, and declared NHIs the target no longer has. */
    public record Discovery(String target, int seen, List<String> found, List<String> gone) {
    }

    /**
     * Reads the target's non-human accounts. One nobody declared is added as an orphan (origin
     * DISCOVERED; an operator gives it an owner or retires it; Roster never touches it by itself);
     * a live NHI of a listed kind that the target no longer has is retired.
     */
    public Discovery discover(String target, Principal by) {
        return discover(target, by.name());
    }

    /** Discovery on every target that can list its non-human accounts (the schedule); a failing target is logged. */
    public List<Discovery> discoverAll() {
        List<Discovery> out = new java.util.ArrayList<>();
        for (String target : provisioning.nonHumanListers()) {
            try {
                out.add(discover(target, "roster"));
            } catch (NhiException e) {
                log.warn("NHI discovery on {} failed: {}", target, e.getMessage());
            }
        }
        return out;
    }

    private Discovery discover(String target, String by) {
        List<org.roster.provisioning.NonHumanListOp.NonHumanAccount> accounts;
        try {
            accounts = provisioning.nonHumanAccounts(target);
        } catch (org.roster.provisioning.ConnectorException e) {
            throw new NhiException(Why.CONFLICT, "target", e.getMessage());
        }
        Instant now = clock.instant();
        List<String> found = new java.util.ArrayList<>();
        List<String> gone = new java.util.ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        java.util.Set<Nhi.Kind> kinds = java.util.EnumSet.noneOf(Nhi.Kind.class);
        for (var a : accounts) {
            names.add(a.name());
            Nhi.Kind kind = Nhi.Kind.fromWire(a.kind()).orElse(Nhi.Kind.SERVICE_ACCOUNT);
            kinds.add(kind);
            tx.executeWithoutResult(s -> {
                Optional<Nhi> known = repository.find(target, a.name());
                if (known.isPresent()) {
                    if (a.credentialCreatedAt() != null && known.get().credential() != null) {
                        repository.credentialCreated(known.get().id(), a.credentialCreatedAt());
                    }
                    return;
                }
                Nhi n = new Nhi(UUID.randomUUID().toString(), a.name(), kind, target, null, null,
                    a.description().isBlank() ? "found on " + target + "; nobody declared its purpose"
                        : a.description().substring(0, Math.min(500, a.description().length())),
                    Nhi.State.ORPHAN, "DISCOVERED", now, by, now.plus(settings.maxLifetime(kind)), null, null, now,
                    credential(kind, a.credentialCreatedAt()), null, null, null);
                repository.insert(n);
                record(n, "NHI_DISCOVERED", by, kind.wire() + " " + a.name() + " found on " + target
                    + " with no owner: an orphan until an operator gives it one or retires it");
                found.add(a.name());
            });
        }
        for (Nhi.Kind kind : kinds.isEmpty() ? java.util.EnumSet.of(Nhi.Kind.OAUTH_CLIENT) : kinds) {
            for (Nhi n : repository.list(null, kind, target, null, null, 0, 100_000)) {
                boolean live = n.state() == Nhi.State.ACTIVE || n.state() == Nhi.State.REVIEW || n.state() == Nhi.State.ORPHAN;
                if (live && !names.contains(n.name())) {
                    tx.executeWithoutResult(s -> {
                        repository.move(n.id(), n.state(), Nhi.State.RETIRED, n.owner(), n.previousOwner(), null, now);
                        record(n, "NHI_GONE", by, n.kind().wire() + " " + n.name() + " is no longer on " + target
                            + ": retired in the inventory");
                    });
                    gone.add(n.name());
                }
            }
        }
        return new Discovery(target, accounts.size(), found, gone);
    }

    /**
     * Ends what has expired; returns how many. Each in a transaction of its own; one that cannot be ended waits
     * before it is tried again, and holds back none of the others ({@link org.roster.runtime.Retries}).
     */
    public int expireDue() {
        return expireDue(clock.instant());
    }

    /** Ends what has expired by {@code now}; returns how many. */
    public int expireDue(Instant now) {
        return walk(now, expiries, after -> repository.expiredBy(now, after, PAGE), Nhi::expiresAt, n -> {
            if (repository.move(n.id(), n.state(), Nhi.State.EXPIRED, n.owner(), n.previousOwner(), null,
                    clock.instant())) {
                record(n, "NHI_EXPIRED", "roster", n.kind().wire() + " " + n.name() + " on " + n.target()
                    + " expired at " + n.expiresAt());
                takeOutOfUse(n, "it expired at " + n.expiresAt(), "nhi-" + n.id(), clock.instant(), false, "roster");
            }
        });
    }

    /** Deletes on their targets the ended NHIs whose grace period is over; returns how many were queued. */
    public int deleteDue(Instant now) {
        return walk(now, deletions, after -> repository.deletionsDue(now, after, PAGE), Nhi::deleteAfter, n -> {
            repository.deleteAfter(n.id(), null);
            submit(n, OperationKind.NHI_DELETE, "delete " + n.name() + ": " + n.state().name().toLowerCase(Locale.ROOT)
                + (n.disabledAt() == null ? "" : ", disabled since " + n.disabledAt()), "nhi-" + n.id(),
                clock.instant(), false, "roster");
        });
    }

    private static final int PAGE = 200;

    /** Expiries and deletions that could not be done when due, by NHI id and due moment. */
    private final org.roster.runtime.Retries<List<Object>> expiries = new org.roster.runtime.Retries<>("nhi",
        "the expiry of", org.slf4j.LoggerFactory.getLogger(NonHumanIdentities.class));
    private final org.roster.runtime.Retries<List<Object>> deletions = new org.roster.runtime.Retries<>(
        "nhi", "the deletion of", org.slf4j.LoggerFactory.getLogger(NonHumanIdentities.class));

    /** Walks what is due once, a page after the last, each NHI in a transaction of its own. */
    private int walk(Instant now, org.roster.runtime.Retries<List<Object>> retries,
                     org.roster.runtime.Retries.Pages<Nhi> pages, java.util.function.Function<Nhi, @Nullable Instant> dueOf,
                     java.util.function.Consumer<Nhi> work) {
        return retries.<Nhi>walk(pages, PAGE,
            n -> List.of(n.id(), java.util.Objects.requireNonNull(dueOf.apply(n))), n -> n.name() + " on " + n.target(),
            null, n -> tx.executeWithoutResult(s -> work.accept(n)));
    }

    /**
     * How long until an expiry or deletion due after {@code since} (when the last pass began) is due, or one that
     * failed may be tried again, at most {@code most} ms.
     */
    public long millisToNext(Instant since, long most) {
        return deletions.millisToNext(expiries.millisToNext(repository.nextDueAfter(since), clock, most));
    }

    /** Expiries and deletions due that failed, waiting to be tried again (the gauge {@code roster.nhi.due.failing}). */
    public int failing() {
        return expiries.size() + deletions.size();
    }

    private boolean active(String employeeNumber) {
        return lifecycle.find(employeeNumber).map(i -> i.state() == LifecycleState.ACTIVE).orElse(false)
            && hr.findByEmployeeNumber(employeeNumber).isPresent();
    }

    private void record(Nhi n, String kind, String actor, String detail) {
        record(n, kind, actor, "nhi-" + n.id(), detail);
    }

    private void record(Nhi n, String kind, String actor, String correlationId, String detail) {
        audit.append(new AuditEntry(n.owner(), kind, AuditEntry.Stage.DECISION, actor, n.target(), detail, correlationId));
    }

    private static Nhi.@Nullable Credential credential(Nhi.Kind kind, @Nullable Instant createdAt) {
        String c = Nhi.Credential.kindFor(kind);
        return c == null ? null : new Nhi.Credential(c, createdAt, null, null, null);
    }

    private static String required(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw new NhiException(Why.INVALID, field, "is required");
        }
        return value.strip();
    }
}
