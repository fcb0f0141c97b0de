package org.roster.plan;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditDetails;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.hr.HrBatch;
import org.roster.plan.internal.HoldRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The safety guard and what it holds. Every plan passes {@link #admit} before it is published: the
 * part of it Roster may send now comes back; the rest is held, nothing of it is sent, an alert is
 * raised (a warning in the log, an audit record and the {@code roster.guard.holds} counter), and an
 * admin approves or rejects the held set. Once an identity has a plan held on a target, its later
 * plans on that target join the same hold, so that approving it keeps their order.
 */
@Service
public class Holds implements org.springframework.beans.factory.SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(Holds.class);

    private final HoldRepository repository;
    private final KnownAccounts accounts;
    private final GuardSettings settings;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final TransactionTemplate separately;
    private final Clock clock;
    private final MeterRegistry meters;

    public Holds(HoldRepository repository, KnownAccounts accounts, GuardSettings settings, AuditLog audit,
                 ApplicationEventPublisher events, TransactionTemplate tx, Clock clock, MeterRegistry meters) {
        this.repository = repository;
        this.accounts = accounts;
        this.settings = settings;
        this.audit = audit;
        this.events = events;
        this.tx = tx;
        this.separately = new TransactionTemplate(java.util.Objects.requireNonNull(tx.getTransactionManager()));
        this.separately.setPropagationBehavior(org.springframework.transaction.TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
        this.meters = meters;
    }

    /** Thrown when a hold cannot be decided: unknown, or decided already. */
    public static final class HoldException extends RuntimeException {
        private final boolean missing;
        private final boolean forbidden;

        HoldException(String message, boolean missing) {
            this(message, missing, false);
        }

        private HoldException(String message, boolean missing, boolean forbidden) {
            super(message);
            this.missing = missing;
            this.forbidden = forbidden;
        }

        public boolean missing() {
            return missing;
        }

        /** The principal may not decide this hold: its own changes opened it. */
        public boolean forbidden() {
            return forbidden;
        }
    }

    /**
     * What of a plan may go now. Runs in the plan's transaction, so that the count of recent
     * disables and the hold are consistent with the plan.
     */
    Plan admit(Plan plan, String actor) {
        if (!settings.enabled() || plan.operations().isEmpty()) {
            return plan;
        }
        Map<String, List<Operation>> byTarget = new LinkedHashMap<>();
        plan.operations().forEach(op -> byTarget.computeIfAbsent(op.target(), k -> new ArrayList<>()).add(op));
        Set<String> held = new java.util.HashSet<>();
        Instant now = clock.instant();
        Batch running = batch.get();
        byTarget.forEach((target, ops) -> {
            long disables = disables(ops);
            Optional<String> hold = repository.holding(plan.identity(), target);
            if (hold.isEmpty() && disables > 0 && running != null && running.source().equals(plan.source())) {
                // Part of a batch known in full: staged, judged with the whole batch when it ends.
                repository.add(running.staged(target), target, plan.withOperations(ops));
                held.add(target);
                return;
            }
            if (hold.isEmpty() && disables > 0) {
                repository.gate(plan.source(), target);
                hold = repository.openFor(Hold.Kind.GUARD, plan.source(), target);
                if (hold.isEmpty()) {
                    long population = accounts.population(target);
                    long limit = settings.limit(plan.source(), target, population);
                    long recent = accounts.disablesSince(target, plan.source(), now.minus(settings.window()));
                    if (recent + disables > limit) {
                        hold = Optional.of(open(plan.source(), target, recent, limit, population, plan.correlationId(),
                            actor));
                    }
                }
            }
            hold.ifPresent(id -> {
                repository.add(id, target, plan.withOperations(ops));
                held.add(target);
                auditHeld(plan.identity(), target, id, ops, plan.correlationId());
            });
        });
        if (held.isEmpty()) {
            return plan;
        }
        return plan.withOperations(plan.operations().stream().filter(o -> !held.contains(o.target())).toList());
    }

    /** Audits the operations a hold keeps: every one, whole, in as many records as that takes. */
    private void auditHeld(String identity, String target, String hold, List<Operation> ops, String correlationId) {
        for (String detail : AuditDetails.split(ops.stream().map(Operation::describe).toList(), "; ",
                AuditDetails.counted(ops.size() + " operation(s) held by hold " + hold, ": "))) {
            audit.append(new AuditEntry(identity, "OPERATIONS_HELD", AuditEntry.Stage.DECISION, "roster", target, detail,
                correlationId));
        }
    }

    private static long disables(List<Operation> ops) {
        return ops.stream().filter(o -> o.kind().removesAccess()).count();
    }

    /**
     * A batch of HR changes being applied on this thread (and on others that joined it), and the
     * staged hold per target it has filled so far.
     */
    private final class Batch {
        private final HrBatch started;
        /** Filled by each thread that applies part of the batch; judged once they are done, when it ends. */
        private final Map<String, String> staged = java.util.Collections.synchronizedMap(new LinkedHashMap<>());

        Batch(HrBatch started) {
            this.started = started;
        }

        String source() {
            return started.source();
        }

        /** The batch's staged hold on a target, made (and committed, so a row rolled back keeps it) on first use. */
        String staged(String target) {
            return staged.computeIfAbsent(target, t -> java.util.Objects.requireNonNull(separately.execute(s ->
                repository.stage(started.source(), t, started.description() + ": staged until it has been applied whole",
                    started.actor(), clock.instant()))));
        }
    }

    private final ThreadLocal<Batch> batch = new ThreadLocal<>();
    /** The batches started and not ended, by description, for the threads that join them. */
    private final Map<String, Batch> open = new java.util.concurrent.ConcurrentHashMap<>();

    /** A batch reads together which of its workers have plans in holds (see {@link org.roster.hr.WorkersArriving}). */
    @EventListener
    void on(org.roster.hr.WorkersArriving arriving) {
        repository.prefetchHeld(arriving.employeeNumbers());
    }

    /**
     * A batch of HR changes known in full (a file, a {@code /Bulk} request, a webhook delivery):
     * while it is applied, the disables and deletes it plans are staged, nothing sent; when it ends,
     * they are counted together. Within the limit they all go, in the order they were planned; above
     * it, all of them are held in one hold per target, for an admin to approve or reject. Single
     * changes keep the running count.
     */
    @EventListener
    void on(HrBatch event) {
        if (!settings.enabled()) {
            return;
        }
        switch (event.phase()) {
            case STARTED -> {
                Batch started = new Batch(event);
                batch.set(started);
                open.put(event.description(), started);
                return;
            }
            case JOINED -> {
                Batch joined = open.get(event.description());
                if (joined != null) {
                    batch.set(joined);
                }
                return;
            }
            case LEFT -> {
                batch.remove();
                return;
            }
            case ENDED -> {
                // judged below
            }
        }
        Batch ended = batch.get();
        batch.remove();
        if (ended != null) {
            open.remove(event.description(), ended);
            Map<String, String> staged = new LinkedHashMap<>(ended.staged);
            staged.forEach((target, id) -> tx.executeWithoutResult(s -> judge(ended.started, target, id)));
        }
    }

    private void judge(HrBatch b, String target, String id) {
        repository.gate(b.source(), target);
        List<Plan> plans = repository.plans(id);
        long count = plans.stream().mapToLong(p -> disables(p.operations())).sum();
        long population = accounts.population(target);
        long limit = settings.limit(b.source(), target, population);
        Instant now = clock.instant();
        long recent = accounts.disablesSince(target, b.source(), now.minus(settings.window()));
        Optional<String> open = repository.openFor(Hold.Kind.GUARD, b.source(), target);
        if (open.isEmpty() && recent + count <= limit) {
            repository.unstage(id);
            plans.forEach(events::publishEvent);
            return;
        }
        String reason = String.format(java.util.Locale.ROOT,
            "%s would disable or delete %d account(s) on '%s', above the limit of %d within %s (%d already, %d accounts"
                + " there)%s: all %d held, nothing sent, for an admin", b.description(), count, target, limit,
            settings.window(), recent, population, open.isEmpty() ? "" : " and hold " + open.get() + " is open", count);
        repository.openStaged(id, reason, now);
        for (Plan p : plans) {
            auditHeld(p.identity(), target, id, p.operations(), p.correlationId());
        }
        alert(id, null, target, reason, plans.isEmpty() ? id : plans.get(0).correlationId(), b.source());
    }

    /**
     * Staged holds of a batch that never ended (Roster stopped while applying it) are held for an
     * admin: nothing of them was sent, and nobody has judged the whole. Runs before the server
     * accepts requests, so no batch of this run is mistaken for one of the last.
     */
    @Override
    public void afterSingletonsInstantiated() {
        // roster_guard_holds_total exists at zero from the start for the sources that disable most, so
        // that an alert on its increase has a series to watch before the first hold.
        for (String target : accounts.targets()) {
            for (String source : List.of("scim", "schedule", "reconcile")) {
                meters.counter("roster.guard.holds", "source", source, "target", target);
            }
        }
        for (Hold h : repository.staged()) {
            String reason = "a batch from source '" + h.source() + "' was interrupted before it had been applied whole"
                + " (" + h.reason() + "); its disables and deletes are held for an admin";
            tx.executeWithoutResult(s -> repository.openStaged(h.id(), reason, clock.instant()));
            alert(h.id(), null, h.target(), reason, h.id(), h.source());
        }
    }

    /** Holds additions that would break a segregation-of-duties rule, for an admin to decide. */
    void holdConflict(Plan additions, String target, String reason) {
        String id = repository.open(Hold.Kind.SOD, additions.source(), target, reason, clock.instant(), null);
        repository.add(id, target, additions);
        alert(id, additions.identity(), target, reason, additions.correlationId(), additions.source());
    }

    private String open(String source, String target, long recent, long limit, long population, String correlationId,
                        String actor) {
        String reason = String.format(java.util.Locale.ROOT,
            "source '%s' would disable or delete more than %d account(s) on '%s' within %s (%d already, %d accounts there):"
                + " held for an admin", source, limit, target, settings.window(), recent, population);
        String id = repository.open(Hold.Kind.GUARD, source, target, reason, clock.instant(), actor);
        alert(id, null, target, reason, correlationId, source);
        return id;
    }

    private void alert(String id, @Nullable String identity, String target, String reason, String correlationId,
                       String source) {
        log.warn("hold {} opened on target {}: {}", id, target, reason);
        audit.append(new AuditEntry(identity, "HOLD_OPENED", AuditEntry.Stage.DECISION, "roster", target,
            "hold " + id + ": " + reason, correlationId));
        meters.counter("roster.guard.holds", "source", source, "target", target).increment();
    }

    public List<Hold> list(Hold.@Nullable Status status, int offset, int limit) {
        return repository.list(status, null, offset, limit);
    }

    /** Newest first, after a position (null: from {@code offset}). */
    public List<Hold> list(Hold.@Nullable Status status, org.roster.store.Keyset.@Nullable Position after, int offset, int limit) {
        return repository.list(status, after, offset, limit);
    }

    public long count(Hold.@Nullable Status status) {
        return repository.count(status);
    }

    public Optional<Hold> find(String id) {
        return repository.find(id);
    }

    /** The plans a hold keeps, in order. */
    public List<Plan> plans(String id) {
        return repository.plans(id);
    }

    /** Releases a hold: its plans are queued for their targets, in the order they were held. */
    public Hold approve(String id, String actor, @Nullable String note) {
        return decide(id, Hold.Status.APPROVED, actor, note);
    }

    /** Discards a hold: nothing of it is sent. */
    public Hold reject(String id, String actor, @Nullable String note) {
        return decide(id, Hold.Status.REJECTED, actor, note);
    }

    private Hold decide(String id, Hold.Status status, String actor, @Nullable String note) {
        return tx.execute(s -> {
            Hold hold = repository.find(id).orElseThrow(() -> new HoldException("no hold " + id, true));
            if (status == Hold.Status.APPROVED && actor.equals(hold.openedBy())) {
                throw new HoldException("hold " + id + " was opened by changes " + actor + " sent: another principal"
                    + " must approve it (rejecting it is allowed)", false, true);
            }
            if (!repository.decide(id, status, actor, note, clock.instant())) {
                throw new HoldException("hold " + id + " is " + hold.status() + " already", false);
            }
            for (Plan plan : repository.plans(id)) {
                audit.append(new AuditEntry(plan.identity(), status == Hold.Status.APPROVED ? "HOLD_APPROVED"
                    : "HOLD_REJECTED", AuditEntry.Stage.DECISION, actor, hold.target(),
                    "hold " + id + " " + status.name().toLowerCase(java.util.Locale.ROOT) + " by " + actor
                        + (note == null || note.isBlank() ? "" : ": " + note) + " (" + plan.operations().size()
                        + " operation(s))", plan.correlationId()));
                if (status == Hold.Status.APPROVED) {
                    events.publishEvent(plan);
                }
            }
            return repository.find(id).orElseThrow();
        });
    }
}
