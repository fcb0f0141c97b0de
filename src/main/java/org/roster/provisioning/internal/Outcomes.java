package org.roster.provisioning.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.plan.AccountSnapshot;
import org.roster.plan.Operation;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.ProvisioningSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records what targets answered: acknowledgements (with the account's new state, an audit record
 * and the propagation metric) and failures (a retry with backoff, or the dead-letter state).
 */
@Component
public class Outcomes {

    private static final Logger log = LoggerFactory.getLogger(Outcomes.class);

    private final OutboxRepository outbox;
    private final AccountRepository accounts;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ProvisioningSettings settings;
    private final MeterRegistry meters;

    private final org.springframework.context.ApplicationEventPublisher events;

    Outcomes(OutboxRepository outbox, AccountRepository accounts, AuditLog audit, TransactionTemplate tx, Clock clock,
             ProvisioningSettings settings, MeterRegistry meters,
             org.springframework.context.ApplicationEventPublisher events) {
        this.events = events;
        this.outbox = outbox;
        this.accounts = accounts;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.settings = settings;
        this.meters = meters;
        // The series alerts are written on exist from the start, at zero, for every target.
        for (org.roster.provisioning.TargetSettings t : settings.targets()) {
            meters.counter("roster.operations.dead", "target", t.name());
            meters.counter("roster.slo.breaches", "target", t.name());
            circuits.computeIfAbsent(t.name(), this::circuitGauge);
        }
    }

    private java.util.concurrent.atomic.AtomicInteger circuitGauge(String target) {
        java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
        meters.gauge("roster.circuit.open", java.util.List.of(io.micrometer.core.instrument.Tag.of("target", target)), open);
        return open;
    }

    /**
     * An operation the target acknowledged, and when.
     *
     * @param sentAt when the attempt that got the answer was handed to the connector; null when the
     *     acknowledgement was not an attempt (a manual task closed by its owner)
     */
    public record Acknowledged(OutboxEntry entry, @Nullable Instant sentAt, Instant at) {
    }

    /**
     * Records acknowledgements, the accounts' new state and their audit records, in one transaction
     * and a few JDBC batches (a batch may hold several operations of one account, applied in order).
     * The audit has one {@code OPERATION_ACKED} record per identity, target and HR change in the
     * batch, naming each operation with how long after the HR change it was acknowledged.
     *
     * @return the acknowledgements recorded: those of operations that were still unfinished
     */
    List<Acknowledged> acknowledge(List<Acknowledged> answered) {
        if (answered.isEmpty()) {
            return List.of();
        }
        List<Acknowledged> acknowledged = java.util.Objects.requireNonNull(tx.execute(status -> {
            // Only what was still unfinished: an operation sent again after a rebalance is recorded once.
            java.util.Set<Long> marked = outbox.markDone(answered);
            List<Acknowledged> first = answered.stream().filter(a -> marked.contains(a.entry().id())).toList();
            // the accounts' acknowledged state, read together: one query instead of one per operation
            Map<String, AccountSnapshot> stored = new java.util.HashMap<>();
            Map<String, java.util.Set<String>> byTarget = new LinkedHashMap<>();
            first.forEach(a -> byTarget.computeIfAbsent(a.entry().operation().target(), t -> new java.util.LinkedHashSet<>())
                .add(a.entry().operation().identity()));
            byTarget.forEach((target, identities) -> accounts.onTarget(target, identities)
                .forEach(k -> stored.put(k.target() + "\u0000" + k.identity(), k)));
            Map<String, AccountSnapshot> changed = new LinkedHashMap<>();
            Map<Acknowledger, List<String>> acks = new LinkedHashMap<>();
            List<Operation> deleted = new ArrayList<>();
            for (Acknowledged a : first) {
                Operation op = a.entry().operation();
                String key = op.target() + "\u0000" + op.identity();
                AccountSnapshot before = changed.containsKey(key) ? changed.get(key) : stored.get(key);
                AccountSnapshot after = AccountProjection.apply(before, op);
                if (after != null) {
                    changed.put(key, after);
                } else if (op.kind() == org.roster.plan.OperationKind.DELETE) {
                    changed.remove(key);
                    deleted.add(op);
                }
                acks.computeIfAbsent(new Acknowledger(op.identity(), op.target(), a.entry().correlationId()),
                    k -> new ArrayList<>()).add(op.describe() + " acknowledged "
                        + Duration.between(a.entry().hrReceivedAt(), a.at()).toMillis() + " ms after the HR change was received");
            }
            List<AuditEntry> records = new ArrayList<>(acks.size());
            acks.forEach((k, phrases) -> records.addAll(acknowledgements(k.identity(), k.target(), k.correlationId(), phrases)));
            accounts.saveAll(changed.values(), clock.instant(),
                k -> stored.containsKey(k.target() + "\u0000" + k.identity()));
            deleted.forEach(op -> accounts.delete(op.target(), op.identity()));
            audit.appendAll(records);
            events.publishEvent(new org.roster.provisioning.OperationsAcknowledged(first.stream()
                .map(a -> new org.roster.provisioning.OperationsAcknowledged.Acknowledged(a.entry().operation(),
                    a.entry().correlationId(), a.entry().hrReceivedAt(), a.at())).toList()));
            for (Acknowledged a : first) {
                if (a.entry().operation().kind().nonHuman()) {
                    events.publishEvent(new org.roster.provisioning.NonHumanOperationAcknowledged(a.entry().operation(),
                        a.entry().correlationId(), a.at()));
                }
            }
            return first;
        }));
        for (Acknowledged a : acknowledged) {
            Operation op = a.entry().operation();
            propagation.computeIfAbsent(op.target() + "\u0000" + op.kind().name(), k -> Timer.builder("roster.propagation")
                    .description("Time from receiving an HR change to the target acknowledging an operation it caused")
                    .tag("target", op.target()).tag("kind", op.kind().name())
                    .publishPercentileHistogram()
                    .register(meters))
                .record(Duration.between(a.entry().hrReceivedAt(), a.at()));
        }
        return acknowledged;
    }

    /** {@code roster.propagation} by target and kind, registered once (a lookup per operation was 7 % of a dispatcher's time). */
    private final Map<String, Timer> propagation = new java.util.concurrent.ConcurrentHashMap<>();

    /** Whose acknowledgements share an audit record: one identity's, from one target, for one HR change. */
    private record Acknowledger(String identity, String target, String correlationId) {
    }

    /**
     * The audit records of one identity's operations acknowledged by one target in one batch for one
     * HR change: one record naming each operation in order, split only where the detail would pass
     * {@link AuditEntry#MAX_DETAIL}.
     */
    static List<AuditEntry> acknowledgements(String identity, String target, @Nullable String correlationId,
                                             List<String> phrases) {
        // each phrase names its operation, so a part needs no head of its own
        return org.roster.audit.AuditDetails.split(phrases, "; ", (from, to, count) -> "").stream()
            .map(detail -> acknowledgement(identity, target, correlationId, detail)).toList();
    }

    private static AuditEntry acknowledgement(String identity, String target, @Nullable String correlationId,
                                              String detail) {
        return new AuditEntry(identity, "OPERATION_ACKED", AuditEntry.Stage.EXECUTION, "roster", target, detail,
            correlationId);
    }

    /**
     * A failed attempt: retried after a backoff, or dead-lettered when it cannot succeed or ran out of
     * attempts.
     *
     * @param sentAt when the attempt was sent; null for a probe of a target that is down: the failure
     *     says the target is down, not that the operation cannot succeed, so it uses up no attempt and
     *     never dead-letters
     */
    void failed(OutboxEntry entry, @Nullable Instant sentAt, @Nullable String error, boolean permanent) {
        Operation op = entry.operation();
        String message = error == null ? "unknown error" : error;
        boolean dead = permanent || (sentAt != null && entry.attempts() + 1 >= settings.maxAttempts());
        Boolean recorded = tx.execute(status -> {
            boolean unfinished = dead ? outbox.markDead(entry, sentAt, message)
                : outbox.markRetry(entry, sentAt, clock.instant().plus(backoff(entry.attempts() + 1)), message);
            if (!unfinished) {
                return false; // acknowledged meanwhile (sent by another instance across a rebalance)
            }
            audit.append(new AuditEntry(op.identity(), dead ? "OPERATION_DEAD" : "OPERATION_RETRY",
                AuditEntry.Stage.EXECUTION, "roster", op.target(),
                op.describe() + " failed (attempt " + (entry.attempts() + 1) + "): " + message, entry.correlationId()));
            return true;
        });
        if (dead && Boolean.TRUE.equals(recorded)) {
            meters.counter("roster.operations.dead", "target", op.target()).increment();
            log.warn("operation {} ({}) dead-lettered after {} attempt(s): {}", entry.id(), op.describe(),
                entry.attempts() + 1, message);
        }
    }

    /** A target's circuit changed state: audited, logged, and its gauge set. */
    void circuit(String target, String state) {
        circuits.computeIfAbsent(target, this::circuitGauge).set(state.equals("CLOSED") ? 0 : 1);
        if (state.equals("OPEN")) {
            log.warn("target {}: circuit open, nothing is sent until a probe succeeds", target);
        } else {
            log.info("target {}: circuit {}", target, state.toLowerCase(java.util.Locale.ROOT));
        }
        tx.executeWithoutResult(s -> audit.append(new AuditEntry(null, "CIRCUIT_" + state, AuditEntry.Stage.EXECUTION,
            "roster", target, "target '" + target + "': circuit " + state.toLowerCase(java.util.Locale.ROOT)
                .replace('_', ' '), "circuit-" + target)));
    }

    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> circuits =
        new java.util.concurrent.ConcurrentHashMap<>();

    private Duration backoff(int attempt) {
        long base = settings.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, settings.maxBackoff().toMillis());
        // Full jitter on the upper half: spreads retries of a burst without ever retrying at once.
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        return Duration.ofMillis(jittered);
    }
}
