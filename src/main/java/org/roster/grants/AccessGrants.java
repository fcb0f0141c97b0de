package org.roster.grants;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.roster.principals.Principal;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.runtime.Refusal.Why;
import org.roster.grants.internal.GrantRepository;
import org.roster.lifecycle.IdentityTransitioned;
import org.roster.lifecycle.Lifecycle;
import org.roster.lifecycle.TransitionKind;
import org.roster.plan.AccessChanged;
import org.roster.plan.KnownAccounts;
import org.roster.plan.StandingGrant;
import org.roster.plan.StandingGrants;
import org.roster.policy.Policy;
import org.roster.policy.PolicyEngine;
import org.roster.store.AfterCommit;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Exceptions, just-in-time grants, entitlements kept across moves and privileged reviews: requested,
 * decided and ended here, each step audited; planning picks up every change through
 * {@link AccessChanged} and {@link StandingGrants}.
 */
@Service
public class AccessGrants implements StandingGrants {

    private static final List<AccessGrant.Status> LIVE =
        List.of(AccessGrant.Status.REQUESTED, AccessGrant.Status.OPEN, AccessGrant.Status.ACTIVE);

    private final GrantRepository repository;
    private final PolicyEngine policy;
    private final KnownAccounts accounts;
    private final Lifecycle lifecycle;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final GrantsSettings settings;
    private final org.roster.grants.internal.GrantExpiry expiry;
    private final Deciders deciders;

    public AccessGrants(GrantRepository repository, PolicyEngine policy, KnownAccounts accounts, Lifecycle lifecycle,
                        AuditLog audit, ApplicationEventPublisher events, TransactionTemplate tx, Clock clock,
                        GrantsSettings settings, org.roster.grants.internal.GrantExpiry expiry, Deciders deciders,
                        io.micrometer.core.instrument.MeterRegistry meters) {
        this.deciders = deciders;
        this.repository = repository;
        this.policy = policy;
        this.accounts = accounts;
        this.lifecycle = lifecycle;
        this.audit = audit;
        this.events = events;
        this.tx = tx;
        this.clock = clock;
        this.settings = settings;
        this.expiry = expiry;
        expiry.bind(this::expireDue, this::millisToNext);
        io.micrometer.core.instrument.Gauge.builder("roster.grants.expiry.failing", retries::size)
            .description("Grants due to end that could not be ended, waiting to be tried again").register(meters);
    }

    /** A request for an exception or a JIT grant. */
    public record Request(@Nullable String identity, @Nullable String target, @Nullable String entitlement,
                         @Nullable String reason, @Nullable Instant expiresAt, @Nullable Duration duration) {
    }

    /** Requests an exception: in force once someone other than the requester approves it, until {@code expiresAt}. */
    public AccessGrant requestException(Request r, String requester) {
        Instant now = clock.instant();
        if (r.expiresAt() == null) {
            throw new GrantException(Why.INVALID, "expiresAt", "is required: every exception expires");
        }
        if (!r.expiresAt().isAfter(now)) {
            throw new GrantException(Why.INVALID, "expiresAt", "must be in the future, was " + r.expiresAt());
        }
        if (r.expiresAt().isAfter(now.plus(settings.maxExceptionDuration()))) {
            throw new GrantException(Why.INVALID, "expiresAt", "is beyond the longest exception allowed ("
                + settings.maxExceptionDuration().toDays() + " days, roster.grants.max-exception-duration)");
        }
        return request(AccessGrant.Kind.EXCEPTION, r, requester, null, r.expiresAt());
    }

    /** Requests just-in-time access: once approved, in force for {@code duration}, then revoked. */
    public AccessGrant requestJit(Request r, String requester) {
        if (r.duration() == null || r.duration().isNegative() || r.duration().isZero()) {
            throw new GrantException(Why.INVALID, "duration", "is required and positive (ISO-8601, e.g. PT2H)");
        }
        if (r.duration().compareTo(settings.maxJitDuration()) > 0) {
            throw new GrantException(Why.INVALID, "duration", "is longer than the longest JIT grant allowed ("
                + settings.maxJitDuration() + ", roster.grants.max-jit-duration)");
        }
        return request(AccessGrant.Kind.JIT, r, requester, r.duration(), null);
    }

    private AccessGrant request(AccessGrant.Kind kind, Request r, String requester, @Nullable Duration duration,
                                @Nullable Instant dueAt) {
        String identity = required("identity", r.identity());
        String target = required("target", r.target());
        String entitlement = required("entitlement", r.entitlement());
        String reason = required("reason", r.reason());
        if (lifecycle.find(identity).isEmpty()) {
            throw new GrantException(Why.INVALID, "identity", "no identity " + identity);
        }
        if (!accounts.targets().contains(target)) {
            throw new GrantException(Why.INVALID, "target", "'" + target + "' is not a configured target");
        }
        Policy p = policy.current();
        if (p.hasCatalogue(target) && p.entitlement(target, entitlement).isEmpty()) {
            throw new GrantException(Why.INVALID, "entitlement", "'" + entitlement + "' is not in the catalogue of '"
                + target + "'");
        }
        AccessGrant g = new AccessGrant(UUID.randomUUID().toString(), kind, identity, target, entitlement, reason,
            p.owner(target, entitlement), AccessGrant.Status.REQUESTED, requester, clock.instant(), null, null, duration,
            dueAt, null, null);
        return tx.execute(s -> {
            repository.insert(g, null);
            record(g, "REQUESTED", requester, kind + " " + target + ":" + entitlement + " requested by " + requester
                + ": " + reason + (dueAt == null ? "" : ", until " + dueAt) + (duration == null ? "" : ", for " + duration));
            return g;
        });
    }

    /** Approves a request, or keeps reviewed access; only someone {@link Deciders} names, never for themselves. */
    public AccessGrant approve(String id, Principal decider, @Nullable String note) {
        return tx.execute(s -> {
            AccessGrant g = locked(id);
            if (g.status() == AccessGrant.Status.OPEN) {
                return decideReview(g, decider, note, true);
            }
            requireStatus(g, AccessGrant.Status.REQUESTED);
            deciders.check(g, decider, "approver", true);
            String approver = decider.name();
            Instant now = clock.instant();
            Instant due = g.kind() == AccessGrant.Kind.JIT ? now.plus(g.duration()) : g.dueAt();
            if (due != null && !due.isAfter(now)) {
                throw new GrantException(Why.CONFLICT, "expiresAt", "the exception expired before it was approved");
            }
            transition(g, AccessGrant.Status.REQUESTED, AccessGrant.Status.ACTIVE, approver, due, note);
            record(g, "APPROVED", approver, g.kind() + " " + g.target() + ":" + g.entitlement() + " approved by "
                + approver + (due == null ? "" : ", in force until " + due) + (note == null ? "" : ": " + note));
            changed(g, g.kind() + " " + g.id() + " approved");
            return find(id);
        });
    }

    /** Refuses a request, or, for a review, keeps the privileged access revoked. */
    public AccessGrant reject(String id, Principal decider, @Nullable String note) {
        return tx.execute(s -> {
            AccessGrant g = locked(id);
            if (g.status() == AccessGrant.Status.OPEN) {
                return decideReview(g, decider, note, false);
            }
            requireStatus(g, AccessGrant.Status.REQUESTED);
            // the requester may withdraw their own request; anyone else must be a decider
            if (!g.requestedBy().equals(decider.name())) {
                deciders.check(g, decider, "approver", true);
            }
            String actor = decider.name();
            transition(g, AccessGrant.Status.REQUESTED, AccessGrant.Status.REJECTED, actor, g.dueAt(), note);
            record(g, "REJECTED", actor, g.kind() + " " + g.target() + ":" + g.entitlement() + " rejected by " + actor
                + (note == null ? "" : ": " + note));
            return find(id);
        });
    }

    /**
     * Ends an active grant before its time: the access is removed. Those who decide it may, and so
     * may operators (taking access away is always safe to allow).
     */
    public AccessGrant revoke(String id, Principal by, @Nullable String note) {
        return tx.execute(s -> {
            AccessGrant g = locked(id);
            requireStatus(g, AccessGrant.Status.ACTIVE);
            if (!by.has(org.roster.principals.Role.OPERATOR)) {
                deciders.check(g, by, "revoker", false);
            }
            String actor = by.name();
            transition(g, AccessGrant.Status.ACTIVE, AccessGrant.Status.REVOKED, actor, g.dueAt(), note);
            record(g, "REVOKED", actor, g.kind() + " " + g.target() + ":" + g.entitlement() + " revoked by " + actor
                + (note == null ? "" : ": " + note));
            changed(g, g.kind() + " " + g.id() + " revoked");
            return find(id);
        });
    }

    private AccessGrant decideReview(AccessGrant g, Principal decider, @Nullable String note, boolean keep) {
        deciders.check(g, decider, "reviewer", false);
        String actor = decider.name();
        transition(g, AccessGrant.Status.OPEN, keep ? AccessGrant.Status.ACTIVE : AccessGrant.Status.REJECTED, actor,
            null, note);
        record(g, keep ? "REVIEW_KEPT" : "REVIEW_REVOKED", actor, "privileged " + g.target() + ":" + g.entitlement()
            + (keep ? " kept" : " revoked") + " at review by " + actor + (note == null ? "" : ": " + note));
        if (keep) {
            changed(g, "privileged access kept at review " + g.id());
        }
        return find(g.id());
    }

    /**
     * The grant, read again once its identity is locked: a decision on it then never interleaves with
     * an HR change to the identity (a leaver ending every grant while one is being approved would miss
     * it, and the approved access would go out after the leaver's revocation).
     */
    private AccessGrant locked(String id) {
        lifecycle.lock(find(id).identity());
        return find(id);
    }

    public AccessGrant find(String id) {
        return repository.find(id).orElseThrow(() -> new GrantException(Why.NOT_FOUND, "id", "no grant " + id));
    }

    public List<AccessGrant> list(List<AccessGrant.Kind> kinds, AccessGrant.@Nullable Status status,
                                  @Nullable String owner, @Nullable String identity, int offset, int limit) {
        return repository.list(kinds, status, owner, identity, offset, limit);
    }

    /** The same list, newest first, after a position (null: from {@code offset}). */
    public List<AccessGrant> list(List<AccessGrant.Kind> kinds, AccessGrant.@Nullable Status status,
                                  @Nullable String owner, @Nullable String identity, org.roster.store.Keyset.@Nullable Position after, int offset,
                                  int limit) {
        return repository.list(kinds, status, owner, identity, after, offset, limit);
    }

    @Override
    public List<StandingGrant> active(String identity, Instant now) {
        return repository.forIdentity(identity, List.of(AccessGrant.Status.ACTIVE)).stream()
            .filter(g -> g.dueAt() == null || g.dueAt().isAfter(now))
            .map(g -> new StandingGrant(g.id(), g.kind().name(), g.target(), g.entitlement(), g.reason()))
            .toList();
    }

    /**
     * A reviewer revoked, at a certification, access that a standing grant gives: the grant ends
     * (audited with the reviewer and reason). In the caller's transaction; the caller plans the
     * identity again.
     *
     * @return false when the grant is no longer active (nothing to end)
     */
    public boolean endAtCertification(String id, String reviewer, String reason) {
        AccessGrant g = find(id);
        if (g.status() != AccessGrant.Status.ACTIVE || !repository.transition(g.id(), AccessGrant.Status.ACTIVE,
                AccessGrant.Status.REVOKED, reviewer, clock.instant(), g.dueAt(), reason)) {
            return false;
        }
        record(g, "REVOKED", reviewer, g.kind() + " " + g.target() + ":" + g.entitlement() + " revoked at a certification by "
            + reviewer + ": " + reason);
        return true;
    }

    /**
     * A reviewer revoked, at a certification, access that policy grants: an exclusion keeps it from
     * the person until their position changes. In the caller's transaction; the caller plans the
     * identity again.
     */
    public void excludeAtCertification(String identity, String target, String entitlement, String reviewer, String reason,
                                       String correlationId) {
        if (repository.current(AccessGrant.Kind.EXCLUSION, identity, target, entitlement).isPresent()) {
            return;
        }
        Instant now = clock.instant();
        AccessGrant g = new AccessGrant(UUID.randomUUID().toString(), AccessGrant.Kind.EXCLUSION, identity, target,
            entitlement, reason, policy.current().owner(target, entitlement), AccessGrant.Status.ACTIVE, reviewer, now,
            reviewer, now, null, null, null, null);
        repository.insert(g, correlationId);
        record(g, "EXCLUDED", reviewer, target + ":" + entitlement + " revoked at a certification by " + reviewer
            + " although policy grants it: kept from " + identity + " until their position changes (" + reason + ")");
    }

    @Override
    public void keptOnMove(String identity, String target, String entitlement, String correlationId) {
        if (repository.current(AccessGrant.Kind.KEPT_ON_MOVE, identity, target, entitlement).isPresent()) {
            return;
        }
        AccessGrant g = new AccessGrant(UUID.randomUUID().toString(), AccessGrant.Kind.KEPT_ON_MOVE, identity, target,
            entitlement, "follows the person: kept across a move", policy.current().owner(target, entitlement),
            AccessGrant.Status.ACTIVE, "roster", clock.instant(), "policy", clock.instant(), null, null, null, null);
        repository.insert(g, correlationId);
        record(g, "KEPT_ON_MOVE", "roster", target + ":" + entitlement + " follows the person: kept across the move");
    }

    @Override
    public void reviewAfterMove(String identity, String target, String entitlement, @Nullable String owner, Instant due,
                                String correlationId) {
        if (repository.current(AccessGrant.Kind.REVIEW, identity, target, entitlement).isPresent()) {
            return;
        }
        // A kept-on-move grant of privileged access ends here: the review decides now.
        repository.current(AccessGrant.Kind.KEPT_ON_MOVE, identity, target, entitlement).ifPresent(k ->
            transition(k, AccessGrant.Status.ACTIVE, AccessGrant.Status.ENDED, null, null, "moved again: reviewed"));
        AccessGrant g = new AccessGrant(UUID.randomUUID().toString(), AccessGrant.Kind.REVIEW, identity, target,
            entitlement, "privileged access held before a move", owner, AccessGrant.Status.OPEN, "roster",
            clock.instant(), null, null, null, due, null, null);
        repository.insert(g, correlationId);
        record(g, "REVIEW_OPENED", "roster", "privileged " + target + ":" + entitlement + " suspended after a move;"
            + " review by " + (owner == null ? "its owner" : owner) + " due " + due + ", revoked if not kept by then");
        AfterCommit.run(expiry::wake);
    }

    /** A batch reads together which of its workers have grants (see {@link org.roster.hr.WorkersArriving}). */
    @EventListener
    void on(org.roster.hr.WorkersArriving arriving) {
        repository.prefetchIdentities(arriving.employeeNumbers());
    }

    /**
     * Employment ended: every grant of the identity ends with it, so a rehire starts from nothing. A
     * new position (a move, a conversion, a rehire) ends the certification's exclusions: policy
     * decides again.
     */
    @EventListener
    void on(IdentityTransitioned t) {
        if (t.kind() == TransitionKind.MOVER || t.kind() == TransitionKind.CONVERSION || t.kind() == TransitionKind.REHIRE) {
            for (AccessGrant g : repository.forIdentity(t.employeeNumber(), List.of(AccessGrant.Status.ACTIVE))) {
                if (g.kind() == AccessGrant.Kind.EXCLUSION) {
                    transition(g, AccessGrant.Status.ACTIVE, AccessGrant.Status.ENDED, null, null, "position changed");
                    record(g, "GRANT_ENDED", "roster", "exclusion of " + g.target() + ":" + g.entitlement()
                        + " ended: the position changed (" + t.kind() + "), policy decides again");
                }
            }
        }
        if (t.kind() != TransitionKind.LEAVER) {
            return;
        }
        for (AccessGrant g : repository.forIdentity(t.employeeNumber(), LIVE)) {
            transition(g, g.status(), AccessGrant.Status.ENDED, null, g.dueAt(), "employment ended");
            record(g, "GRANT_ENDED", "roster", g.kind() + " " + g.target() + ":" + g.entitlement()
                + " ended with the employment");
        }
    }

    /** Grants that could not be ended when due, by id, state and due moment. */
    private final org.roster.runtime.Retries<List<Object>> retries = new org.roster.runtime.Retries<>("grants", "ending",
        org.slf4j.LoggerFactory.getLogger(AccessGrants.class));

    /**
     * Ends what is due: expired exceptions and JIT grants (access removed), reviews past their deadline; returns
     * how many. Each in a transaction of its own; one that cannot be ended waits before it is tried again, and
     * holds back none of the others ({@link org.roster.runtime.Retries}).
     */
    int expireDue(Instant now) {
        return retries.<AccessGrant>walk(last -> repository.due(now, last, PAGE), PAGE, g -> List.of(g.id(), g.status(),
                java.util.Objects.requireNonNull(g.dueAt())),
            g -> g.kind() + " " + g.id() + " (due " + g.dueAt() + ")", null, g -> tx.executeWithoutResult(s -> expire(g)));
    }

    private static final int PAGE = 200;

    private void expire(AccessGrant g) {
        lifecycle.lock(g.identity());
        Instant now = clock.instant();
        if (g.status() == AccessGrant.Status.OPEN) {
            if (transition(g, AccessGrant.Status.OPEN, AccessGrant.Status.EXPIRED, null, g.dueAt(),
                "review deadline passed")) {
                record(g, "REVIEW_EXPIRED", "roster", "privileged " + g.target() + ":" + g.entitlement()
                    + " stays revoked: not kept by its owner before " + g.dueAt());
            }
        } else if (transition(g, AccessGrant.Status.ACTIVE, AccessGrant.Status.EXPIRED, null, g.dueAt(), null)) {
            record(g, "EXPIRED", "roster", g.kind() + " " + g.target() + ":" + g.entitlement() + " expired at "
                + g.dueAt() + " (" + java.time.Duration.between(g.dueAt(), now).toMillis() + " ms ago)");
            changed(g, g.kind() + " " + g.id() + " expired");
        }
    }

    /**
     * How long until a grant due after {@code since} (when the last pass began) is due, or one that failed may be
     * tried again, at most {@code most} ms.
     */
    long millisToNext(Instant since, long most) {
        return retries.millisToNext(repository.nextDueAfter(since), clock, most);
    }

    private boolean transition(AccessGrant g, AccessGrant.Status from, AccessGrant.Status to, @Nullable String by,
                               @Nullable Instant due, @Nullable String note) {
        boolean moved = repository.transition(g.id(), from, to, by, clock.instant(), due, note);
        if (!moved && by != null) {
            throw new GrantException(Why.CONFLICT, "status", "grant " + g.id() + " is no longer " + from);
        }
        if (moved && to == AccessGrant.Status.ACTIVE && due != null) {
            AfterCommit.run(expiry::wake);
        }
        return moved;
    }

    private void changed(AccessGrant g, String cause) {
        events.publishEvent(new AccessChanged(g.identity(), cause, repository.correlation(g.id()).orElse("grant-" + g.id()),
            "grants"));
    }

    private void record(AccessGrant g, String kind, String actor, String detail) {
        audit.append(new AuditEntry(g.identity(), kind, AuditEntry.Stage.DECISION, actor, g.target(), detail,
            repository.correlation(g.id()).orElse("grant-" + g.id())));
    }

    private static void requireStatus(AccessGrant g, AccessGrant.Status status) {
        if (g.status() != status) {
            throw new GrantException(Why.CONFLICT, "status", "grant " + g.id() + " is " + g.status() + ", not " + status);
        }
    }

    private static String required(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw new GrantException(Why.INVALID, field, "is required");
        }
        return value.trim();
    }
}
