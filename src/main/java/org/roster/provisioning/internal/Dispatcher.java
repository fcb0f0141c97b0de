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
import org.roster.plan.OperationKind;
import org.roster.provisioning.Connector;
import org.roster.provisioning.ConnectorException;
import org.roster.provisioning.CreateOp;
import org.roster.provisioning.EnableOp;
import org.roster.provisioning.EntitlementBatchOp;
import org.roster.provisioning.EntitlementOp;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.ProvisioningSettings;
import org.roster.provisioning.RetryableConnectorException;
import org.roster.provisioning.UpdateOp;
import org.roster.runtime.WorkerLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends outbox operations to their targets. One worker thread for now; it sleeps until
 * {@link #wake()} (called after a plan commits) or until the next retry falls due, so new work is
 * picked up at once rather than on a polling tick. An operation is marked done only after its
 * target acknowledged it; the acknowledgement, the new account state and the audit record are
 * stored in one transaction.
 */
@Component
public class Dispatcher extends WorkerLoop {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final int BATCH = 500;
    private static final Duration IDLE_WAIT = Duration.ofMinutes(1);

    private final OutboxRepository outbox;
    private final AccountRepository accounts;
    private final Connectors connectors;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ProvisioningSettings settings;
    private final MeterRegistry meters;

    public Dispatcher(OutboxRepository outbox, AccountRepository accounts, Connectors connectors, AuditLog audit,
                      TransactionTemplate tx, Clock clock, ProvisioningSettings settings, MeterRegistry meters) {
        super("roster-dispatcher");
        this.outbox = outbox;
        this.accounts = accounts;
        this.connectors = connectors;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.settings = settings;
        this.meters = meters;
    }

    @Override
    protected long pass() {
        List<OutboxEntry> batch = outbox.nextBatch(clock.instant(), BATCH);
        if (batch.isEmpty()) {
            clearWakeUps();
            // Checked again after clearing, so that a wake-up between the query and the clearing is not lost.
            return outbox.nextBatch(clock.instant(), 1).isEmpty() ? waitMillis() : 0;
        }
        outbox.markSent(batch.stream().map(OutboxEntry::id).toList(), clock.instant());
        List<Acknowledged> acknowledged = new ArrayList<>();
        // The batch holds at most one operation per identity and target (the oldest unfinished one), so
        // each may go now, and entitlement additions to the same entitlement may go together.
        Map<String, List<OutboxEntry>> additions = new LinkedHashMap<>();
        for (OutboxEntry entry : batch) {
            if (stopping()) {
                break;
            }
            Operation op = entry.operation();
            if (op.kind() == OperationKind.ADD_ENTITLEMENT && op.entitlement() != null
                && connectors.find(op.target()).filter(EntitlementBatchOp.class::isInstance).isPresent()) {
                additions.computeIfAbsent(op.target() + "\u0000" + op.entitlement(), k -> new ArrayList<>()).add(entry);
                continue;
            }
            send(entry).ifPresent(acknowledged::add);
            if (op.priority()) {
                // a revocation is recorded as soon as it is done, not after the routine work behind it
                acknowledge(acknowledged);
                acknowledged.clear();
            }
        }
        for (List<OutboxEntry> group : additions.values()) {
            if (!stopping()) {
                acknowledged.addAll(sendTogether(group));
            }
        }
        acknowledge(acknowledged);
        return 0;
    }

    /** An operation the target acknowledged, and when. */
    private record Acknowledged(OutboxEntry entry, Instant at) {
    }

    private java.util.Optional<Acknowledged> send(OutboxEntry entry) {
        Operation op = entry.operation();
        try {
            send(op);
            return java.util.Optional.of(new Acknowledged(entry, clock.instant()));
        } catch (RetryableConnectorException e) {
            failed(entry, e.getMessage(), entry.attempts() + 1 >= settings.maxAttempts());
        } catch (ConnectorException e) {
            failed(entry, e.getMessage(), true);
        } catch (RuntimeException e) {
            log.error("connector {} failed on operation {}", op.target(), entry.id(), e);
            failed(entry, e.toString(), entry.attempts() + 1 >= settings.maxAttempts());
        }
        return java.util.Optional.empty();
    }

    private List<Acknowledged> sendTogether(List<OutboxEntry> group) {
        if (group.size() == 1) {
            return send(group.get(0)).map(List::of).orElse(List.of());
        }
        Operation first = group.get(0).operation();
        EntitlementBatchOp connector = (EntitlementBatchOp) connectors.find(first.target()).orElseThrow();
        Map<String, ConnectorException> failures;
        try {
            failures = connector.addEntitlementToAll(first.entitlement(),
                group.stream().map(e -> e.operation().identity()).toList());
        } catch (RuntimeException e) {
            log.error("connector {} failed on a batch of {} additions", first.target(), group.size(), e);
            failures = new LinkedHashMap<>();
            for (OutboxEntry entry : group) {
                failures.put(entry.operation().identity(), new RetryableConnectorException(e.toString(), e));
            }
        }
        Instant at = clock.instant();
        List<Acknowledged> acknowledged = new ArrayList<>();
        for (OutboxEntry entry : group) {
            ConnectorException failure = failures.get(entry.operation().identity());
            if (failure == null) {
                acknowledged.add(new Acknowledged(entry, at));
            } else {
                failed(entry, failure.getMessage(), !(failure instanceof RetryableConnectorException)
                    || entry.attempts() + 1 >= settings.maxAttempts());
            }
        }
        return acknowledged;
    }

    /** Records acknowledgements, the accounts' new state and their audit records, in one transaction. */
    private void acknowledge(List<Acknowledged> acknowledged) {
        if (acknowledged.isEmpty()) {
            return;
        }
        tx.executeWithoutResult(status -> {
            for (Acknowledged a : acknowledged) {
                Operation op = a.entry().operation();
                outbox.markDone(a.entry().id(), a.at());
                AccountSnapshot after = AccountProjection.apply(accounts.find(op.target(), op.identity()).orElse(null), op);
                if (after != null) {
                    accounts.save(after, a.at());
                }
                audit.append(new AuditEntry(op.identity(), "OPERATION_ACKED", AuditEntry.Stage.EXECUTION, "roster",
                    op.target(), op.describe() + " acknowledged " + Duration.between(a.entry().hrReceivedAt(), a.at())
                        .toMillis() + " ms after the HR change was received", a.entry().correlationId()));
            }
        });
        for (Acknowledged a : acknowledged) {
            Operation op = a.entry().operation();
            Timer.builder("roster.propagation")
                .description("Time from receiving an HR change to the target acknowledging an operation it caused")
                .tag("target", op.target()).tag("kind", op.kind().name())
                .publishPercentileHistogram()
                .register(meters)
                .record(Duration.between(a.entry().hrReceivedAt(), a.at()));
        }
    }

    private long waitMillis() {
        Instant now = clock.instant();
        return outbox.nextDue()
            .map(due -> Math.max(1, Duration.between(now, due).toMillis()))
            .map(ms -> Math.min(ms, IDLE_WAIT.toMillis()))
            .orElse(IDLE_WAIT.toMillis());
    }

    private void send(Operation op) throws ConnectorException {
        Connector c = connectors.find(op.target())
            .orElseThrow(() -> new ConnectorException("target '" + op.target() + "' is not configured"));
        switch (op.kind()) {
            case CREATE -> capability(c, CreateOp.class, op).create(op.identity(), op.attributes());
            case UPDATE -> capability(c, UpdateOp.class, op).update(op.identity(), op.attributes());
            case ENABLE -> capability(c, EnableOp.class, op).enable(op.identity());
            case DISABLE -> capability(c, EnableOp.class, op).disable(op.identity());
            case ADD_ENTITLEMENT -> capability(c, EntitlementOp.class, op).addEntitlement(op.identity(), entitlement(op));
            case REMOVE_ENTITLEMENT -> capability(c, EntitlementOp.class, op).removeEntitlement(op.identity(), entitlement(op));
        }
    }

    private static String entitlement(Operation op) throws ConnectorException {
        if (op.entitlement() == null) {
            throw new ConnectorException(op.kind() + " without an entitlement");
        }
        return op.entitlement();
    }

    private static <T> T capability(Connector c, Class<T> type, Operation op) throws ConnectorException {
        if (!type.isInstance(c)) {
            throw new ConnectorException("target '" + c.name() + "' cannot " + op.kind());
        }
        return type.cast(c);
    }

    private void failed(OutboxEntry entry, @Nullable String error, boolean dead) {
        Operation op = entry.operation();
        String message = error == null ? "unknown error" : error;
        tx.executeWithoutResult(status -> {
            if (dead) {
                outbox.markDead(entry.id(), message);
            } else {
                outbox.markRetry(entry.id(), clock.instant().plus(backoff(entry.attempts() + 1)), message);
            }
            audit.append(new AuditEntry(op.identity(), dead ? "OPERATION_DEAD" : "OPERATION_RETRY",
                AuditEntry.Stage.EXECUTION, "roster", op.target(),
                op.describe() + " failed (attempt " + (entry.attempts() + 1) + "): " + message, entry.correlationId()));
        });
        if (dead) {
            log.warn("operation {} ({}) dead-lettered after {} attempt(s): {}", entry.id(), op.describe(),
                entry.attempts() + 1, message);
        }
    }

    private Duration backoff(int attempt) {
        long base = settings.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, settings.maxBackoff().toMillis());
        // Full jitter on the upper half: spreads retries of a burst without ever retrying at once.
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        return Duration.ofMillis(jittered);
    }
}
