package org.roster.provisioning;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import org.roster.plan.AccountSnapshot;
import org.roster.plan.KnownAccounts;
import org.roster.plan.OperationKind;
import org.roster.plan.Plan;
import org.roster.provisioning.internal.AccountProjection;
import org.roster.provisioning.internal.AccountRepository;
import org.roster.provisioning.internal.Connectors;
import org.roster.provisioning.internal.Dispatcher;
import org.roster.provisioning.internal.OutboxRepository;
import org.roster.store.AfterCommit;
import org.roster.store.TransactionBatch;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * The provisioning module's facade. Stores every plan's operations in the durable outbox, in the
 * transaction of the HR change that caused them, and wakes the dispatcher once that transaction
 * commits. Answers the planner's question "what does this identity have?" with the acknowledged
 * state of each account plus the operations still queued for it.
 */
@Service
public final class Provisioning implements KnownAccounts {

    private final OutboxRepository outbox;
    private final AccountRepository accounts;
    private final Connectors connectors;
    private final Dispatcher dispatcher;
    private final org.roster.provisioning.internal.RevocationRepository revocations;
    private final org.roster.provisioning.internal.TaskRepository tasks;
    private final org.roster.audit.AuditLog audit;
    private final org.springframework.transaction.support.TransactionTemplate tx;
    private final ProvisioningSettings settings;
    private final java.time.Clock clock;
    /** What a transaction's plans gather for the dispatcher's wake-up at its commit: the targets revoked on. */
    private final Object wakeUp = new Object();
    private final io.micrometer.core.instrument.MeterRegistry meters;

    public Provisioning(OutboxRepository outbox, AccountRepository accounts, Connectors connectors,
                        Dispatcher dispatcher, org.roster.provisioning.internal.RevocationRepository revocations,
                        org.roster.provisioning.internal.TaskRepository tasks, org.roster.audit.AuditLog audit,
                        ProvisioningSettings settings, java.time.Clock clock,
                        io.micrometer.core.instrument.MeterRegistry meters,
                        org.springframework.transaction.support.TransactionTemplate tx) {
        this.outbox = outbox;
        this.accounts = accounts;
        this.connectors = connectors;
        this.dispatcher = dispatcher;
        this.revocations = revocations;
        this.tasks = tasks;
        this.audit = audit;
        this.tx = tx;
        this.settings = settings;
        this.clock = clock;
        this.meters = meters;
        for (TargetSettings t : settings.targets()) {
            if ("manual".equals(t.type())) {
                io.micrometer.core.instrument.Gauge.builder("roster.manual.tasks.overdue",
                        () -> tasks.countOverdue(t.name(), clock.instant()))
                    .description("Manual tasks open past their due time").tag("target", t.name()).register(meters);
            }
        }
    }

    /**
     * A target's token and session lifetimes, as far as it tells them.
     *
     * @param above the settings longer than Roster's maximum: each outlives a revocation by that much
     * @param error why the target could not be read, if it could not
     */
    public record Posture(String target, Map<String, java.time.Duration> lifetimes, List<String> above,
                          @org.jspecify.annotations.Nullable String error) {
    }

    /** For every target that exposes them (IdPs), token and session lifetimes above the configured maximum. */
    public List<Posture> posture() {
        List<Posture> out = new java.util.ArrayList<>();
        for (String name : new java.util.TreeSet<>(connectors.names())) {
            if (!(connectors.find(name).orElseThrow() instanceof PostureOp p)) {
                continue;
            }
            try {
                Map<String, java.time.Duration> lifetimes = p.lifetimes();
                List<String> above = new java.util.ArrayList<>();
                lifetimes.forEach((setting, lifetime) -> {
                    java.time.Duration max = setting.toLowerCase(java.util.Locale.ROOT).contains("token")
                        ? settings.maxTokenLifetime() : settings.maxSessionLifetime();
                    if (lifetime.compareTo(max) > 0) {
                        above.add(setting + ": " + lifetime + " > " + max);
                    }
                });
                out.add(new Posture(name, lifetimes, above, null));
            } catch (ConnectorException e) {
                out.add(new Posture(name, Map.of(), List.of(), e.getMessage()));
            }
        }
        return out;
    }

    /**
     * Lists every account on a target, page by page, as the target holds it.
     *
     * @throws ConnectorException when the target cannot list its accounts or cannot be read
     */
    public long listAccounts(String target, int pageSize, java.util.function.Consumer<ListOp.ListedAccount> each)
        throws ConnectorException {
        Connector c = connectors.find(target).orElseThrow(() -> new ConnectorException("no target '" + target + "'"));
        if (!(c instanceof ListOp lister)) {
            throw new ConnectorException("target '" + target + "' cannot list its accounts");
        }
        return lister.list(pageSize, each);
    }

    /** The HR attributes a target's listing reads back under Roster's names, to be compared for drift. */
    public Set<String> comparedAttributes(String target) {
        return connectors.find(target).filter(ListOp.class::isInstance).map(c -> ((ListOp) c).comparedAttributes())
            .orElse(Set.of());
    }

    /** Whether operations for the identity on the target are queued or on their way: its account is changing. */
    public boolean inFlight(String target, String identity) {
        return outbox.hasPending(target, identity);
    }

    /**
     * Replaces what Roster believes an account holds with what was read from the target (nothing
     * read: Roster believes there is no account), so that the next plan for the identity mends the
     * difference. Call it in the transaction that plans the identity again.
     */
    public void adopt(String target, String identity, @org.jspecify.annotations.Nullable AccountSnapshot observed) {
        TransactionBatch.forget(PROJECTED, identity);
        if (observed == null) {
            accounts.delete(target, identity);
        } else {
            accounts.saveAll(List.of(observed), clock.instant());
        }
    }

    /** Manual tasks, soonest due first. */
    public List<ManualTask> tasks(@org.jspecify.annotations.Nullable String target,
                                  ManualTask.@org.jspecify.annotations.Nullable Status status, int offset, int limit) {
        return tasks.list(target, status, clock.instant(), null, offset, limit);
    }

    /** Manual tasks, soonest due first, after a position (null: from {@code offset}). */
    public List<ManualTask> tasks(@org.jspecify.annotations.Nullable String target,
                                  ManualTask.@org.jspecify.annotations.Nullable Status status,
                                  org.roster.store.Keyset.@org.jspecify.annotations.Nullable Position after, int offset, int limit) {
        return tasks.list(target, status, clock.instant(), after, offset, limit);
    }

    public java.util.Optional<ManualTask> task(String id) {
        return tasks.find(id, clock.instant());
    }

    /**
     * Closes a manual task with a note of what was done: its operation is acknowledged (and timed,
     * and audited with the note), and the identity's next operation on the target becomes a task.
     *
     * @throws IllegalArgumentException when the note is missing
     * @throws java.util.NoSuchElementException when there is no such task
     * @throws IllegalStateException when the task is done already
     */
    public ManualTask completeTask(String id, String actor, String note) {
        if (note == null || note.isBlank()) {
            throw new IllegalArgumentException("note: say what was done");
        }
        return java.util.Objects.requireNonNull(tx.execute(status -> complete(id, actor, note)));
    }

    private ManualTask complete(String id, String actor, String note) {
        java.time.Instant now = clock.instant();
        ManualTask task = tasks.find(id, now).orElseThrow(() -> new java.util.NoSuchElementException("no task " + id));
        long outboxId = tasks.outboxId(id).orElseThrow();
        if (!tasks.close(id, actor, note.trim(), now)) {
            throw new IllegalStateException("task " + id + " is done already");
        }
        OutboxEntry entry = outbox.find(outboxId).orElseThrow();
        audit.append(new org.roster.audit.AuditEntry(task.identity(), "TASK_DONE",
            org.roster.audit.AuditEntry.Stage.EXECUTION, actor, task.target(),
            task.operation() + " done by hand by " + actor + ": " + note.trim(), entry.correlationId()));
        dispatcher.taskDone(task.target(), entry, now);
        return tasks.find(id, now).orElseThrow();
    }

    /** The checks that a leaver's access was really gone, per target, oldest first. */
    public List<Revocation> revocations(String identity) {
        return revocations.forIdentity(identity);
    }

    /** Every revocation check in a period (at most {@code limit}), oldest first. */
    public List<Revocation> revocationsBetween(java.time.Instant from, java.time.Instant to, int limit) {
        return revocations.between(from, to, limit);
    }

    /**
     * The non-human accounts a target shows ({@link NonHumanListOp}).
     *
     * @throws ConnectorException when the target cannot list them, or fails
     */
    public List<NonHumanListOp.NonHumanAccount> nonHumanAccounts(String target) throws ConnectorException {
        Connector c = connectors.find(target).orElseThrow(() -> new ConnectorException("no target '" + target + "'"));
        if (!(c instanceof NonHumanListOp op) || !op.listsNonHumans()) {
            throw new ConnectorException("target '" + target + "' cannot list non-human accounts");
        }
        return op.nonHumanAccounts();
    }

    /** Whether the target's circuit is open (nothing is sent until a probe succeeds), as its gauge says. */
    public boolean circuitOpen(String target) {
        var gauge = meters.find("roster.circuit.open").tag("target", target).gauge();
        return gauge != null && gauge.value() > 0;
    }

    /**
     * Whether a target can carry out an operation on a non-human account: {@code NHI_ROTATE} needs
     * {@link CredentialOp}, {@code NHI_DISABLE} and {@code NHI_DELETE} need {@link NonHumanAccountOp}.
     */
    public boolean supports(String target, OperationKind kind) {
        Class<?> needed = switch (kind) {
            case NHI_ROTATE -> CredentialOp.class;
            case NHI_DISABLE, NHI_DELETE -> NonHumanAccountOp.class;
            default -> Connector.class;
        };
        return connectors.find(target).filter(needed::isInstance).isPresent();
    }

    /** The targets that can list their non-human accounts, as configured. */
    public List<String> nonHumanListers() {
        return connectors.names().stream().sorted()
            .filter(n -> connectors.find(n).orElseThrow() instanceof NonHumanListOp op && op.listsNonHumans()).toList();
    }

    /** Operations not yet acknowledged, per target. */
    public Map<String, Long> pendingByTarget() {
        return outbox.pendingByTarget();
    }

    /** Operations given up on, per target. */
    public Map<String, Long> deadByTarget() {
        return outbox.deadByTarget();
    }

    /** The id of the latest operation planned (0 before any). */
    public long lastOperationId() {
        return outbox.maxId();
    }

    /** Operations given up on (dead letters) after an outbox id, oldest first. */
    public List<OutboxEntry> deadLettersAfter(long afterId, int limit) {
        return outbox.deadAfter(afterId, limit);
    }

    /** Revocations still pending past their target's objective now, per target at most {@code limit}. */
    public List<OutboxEntry> overdueRevocations(int limit) {
        java.time.Instant now = clock.instant();
        List<OutboxEntry> out = new java.util.ArrayList<>();
        for (TargetSettings t : settings.targets()) {
            out.addAll(outbox.pendingRevocationsSince(t.name(), now.minus(t.revocationSlo()), limit));
        }
        return out;
    }

    /** Per configured target: revocation latency against its objective, breaches, failed checks, overdue revocations. */
    public List<TargetPropagation> propagation(java.time.Instant from, java.time.Instant to) {
        List<TargetPropagation> report = new java.util.ArrayList<>();
        java.time.Instant now = clock.instant();
        for (TargetSettings t : settings.targets()) {
            List<Revocation> checks = revocations.forTarget(t.name(), from, to, 100_000);
            List<java.time.Duration> verified = checks.stream()
                .filter(r -> r.result() == Revocation.Result.VERIFIED).map(Revocation::latency).sorted().toList();
            long failed = checks.stream().filter(r -> r.result() == Revocation.Result.FAILED).count();
            long unverifiable = checks.stream().filter(r -> r.result() == Revocation.Result.NOT_VERIFIABLE).count();
            List<TargetPropagation.Overdue> overdue = outbox.pendingRevocationsSince(t.name(),
                    now.minus(t.revocationSlo()), 100).stream()
                .map(e -> new TargetPropagation.Overdue(e.operation().identity(), e.correlationId(), e.hrReceivedAt(),
                    java.time.Duration.between(e.hrReceivedAt(), now), e.operation().describe()))
                .toList();
            report.add(new TargetPropagation(t.name(), t.revocationSlo(), verified.size(), failed, unverifiable,
                percentile(verified, 50), percentile(verified, 95), verified.isEmpty() ? null : verified.get(verified.size() - 1),
                checks.stream().filter(Revocation::breached).limit(100).toList(),
                checks.stream().filter(r -> r.result() == Revocation.Result.FAILED).limit(100).toList(), overdue));
        }
        return report;
    }

    private static java.time.@org.jspecify.annotations.Nullable Duration percentile(List<java.time.Duration> sorted, int p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    @EventListener
    void on(Plan plan) {
        if (plan.operations().isEmpty()) {
            return;
        }
        outbox.insert(plan);
        plan.operations().forEach(op -> TransactionBatch.forget(PROJECTED, op.identity()));
        // Once the transaction commits, the dispatcher is woken once for all its plans (in cluster mode each
        // wake-up of a loop held elsewhere is a notification through the store: 500 a batch of a file), and
        // a target's lane busy with routine work stops for a revocation at its next send.
        AfterCommit.<Set<String>>gather(wakeUp, java.util.TreeSet::new,
            revoking -> plan.operations().stream().filter(org.roster.plan.Operation::priority)
                .forEach(op -> revoking.add(op.target())),
            revoking -> {
                if (revoking.isEmpty()) {
                    dispatcher.wake();
                } else {
                    dispatcher.revocationsPlanned(revoking);
                }
            });
    }

    @Override
    public Set<String> targets() {
        return connectors.names();
    }

    /** What {@link org.roster.store.TransactionBatch} remembers: an identity's accounts, queued operations applied. */
    private static final String PROJECTED = "provisioning.projected";

    @Override
    public List<AccountSnapshot> forIdentity(String identity) {
        List<AccountSnapshot> known = TransactionBatch.known(PROJECTED, identity);
        if (known != null) {
            return known;
        }
        // Queued operations first, acknowledged state second. An acknowledgement moves operations from
        // queued to the acknowledged state in one transaction; read the other way round, one committing
        // between the two reads hid them from both (a leaver right after its joiner was planned with no
        // account, and nothing was disabled). This way round it can only show them twice: applied in the
        // state and queued again, and applying an operation again gives the same account.
        List<OutboxEntry> queued = outbox.pending(identity);
        return project(accounts.forIdentity(identity), queued);
    }

    /**
     * Reads the queued operations and acknowledged accounts of locked identities together, in that
     * order (see {@link #forIdentity}), and remembers each one's projection for this transaction; an
     * operation queued for one of them meanwhile makes it forget that identity's ({@link #on(Plan)}).
     */
    @Override
    public void prefetch(java.util.Collection<String> identities) {
        if (identities.isEmpty() || !TransactionBatch.inTransaction()) {
            return;
        }
        for (List<String> chunk : TransactionBatch.chunks(identities)) {
            Map<String, List<OutboxEntry>> queued = new java.util.HashMap<>();
            outbox.pending(chunk).forEach(e -> queued.computeIfAbsent(e.operation().identity(),
                k -> new java.util.ArrayList<>()).add(e));
            Map<String, List<AccountSnapshot>> acknowledged = accounts.forIdentities(chunk);
            for (String identity : chunk) {
                TransactionBatch.remember(PROJECTED, identity, project(acknowledged.getOrDefault(identity, List.of()),
                    queued.getOrDefault(identity, List.of())));
            }
        }
    }

    /** The acknowledged accounts with the queued operations applied in order, one per target. */
    private static List<AccountSnapshot> project(List<AccountSnapshot> acknowledged, List<OutboxEntry> queued) {
        Map<String, AccountSnapshot> projected = new TreeMap<>();
        acknowledged.forEach(a -> projected.put(a.target(), a));
        for (OutboxEntry pending : queued) {
            String target = pending.operation().target();
            AccountSnapshot after = AccountProjection.apply(projected.get(target), pending.operation());
            if (after == null) {
                projected.remove(target);
            } else {
                projected.put(target, after);
            }
        }
        return List.copyOf(projected.values());
    }

    /** Accounts as their targets acknowledged them (queued operations not applied). */
    @Override
    public long population(String target) {
        return accounts.count(target);
    }

    @Override
    public long disablesSince(String target, String source, java.time.Instant since) {
        return outbox.countRemovalsSince(target, source, since);
    }

    public List<AccountSnapshot> acknowledgedAccounts(String identity) {
        return accounts.forIdentity(identity);
    }

    /** The acknowledged accounts of many identities (at most a thousand or so at a time), by identity. */
    public Map<String, List<AccountSnapshot>> acknowledgedAccounts(java.util.Collection<String> identities) {
        return accounts.forIdentities(identities);
    }

    /** The identity's operations, newest first. */
    public List<OutboxEntry> operations(String identity, int limit) {
        return outbox.forIdentity(identity, limit);
    }

    public long count(OutboxEntry.Status status) {
        return outbox.countByStatus(status);
    }
}
