package org.roster.provisioning.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.plan.AccountSnapshot;
import org.roster.plan.Operation;
import org.roster.provisioning.Connector;
import org.roster.provisioning.ConnectorException;
import org.roster.provisioning.CreateOp;
import org.roster.provisioning.EnableOp;
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
    private static final int BATCH = 50;
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
        for (OutboxEntry entry : batch) {
            if (stopping()) {
                return 0;
            }
            execute(entry);
        }
        return 0;
    }

    private long waitMillis() {
        Instant now = clock.instant();
        return outbox.nextDue()
            .map(due -> Math.max(1, Duration.between(now, due).toMillis()))
            .map(ms -> Math.min(ms, IDLE_WAIT.toMillis()))
            .orElse(IDLE_WAIT.toMillis());
    }

    private void execute(OutboxEntry entry) {
        Operation op = entry.operation();
        Instant sent = clock.instant();
        outbox.markSent(entry.id(), sent);
        try {
            send(op);
        } catch (RetryableConnectorException e) {
            failed(entry, e.getMessage(), entry.attempts() + 1 >= settings.maxAttempts());
            return;
        } catch (ConnectorException e) {
            failed(entry, e.getMessage(), true);
            return;
        } catch (RuntimeException e) {
            log.error("connector {} failed on operation {}", op.target(), entry.id(), e);
            failed(entry, e.toString(), entry.attempts() + 1 >= settings.maxAttempts());
            return;
        }
        Instant acked = clock.instant();
        tx.executeWithoutResult(status -> {
            outbox.markDone(entry.id(), acked);
            AccountSnapshot after = AccountProjection.apply(accounts.find(op.target(), op.identity()).orElse(null), op);
            if (after != null) {
                accounts.save(after, acked);
            }
            audit.append(new AuditEntry(op.identity(), "OPERATION_ACKED", AuditEntry.Stage.EXECUTION, "roster",
                op.target(), op.describe() + " acknowledged " + Duration.between(entry.hrReceivedAt(), acked).toMillis()
                    + " ms after the HR change was received", entry.correlationId()));
        });
        Timer.builder("roster.propagation")
            .description("Time from receiving an HR change to the target acknowledging an operation it caused")
            .tag("target", op.target()).tag("kind", op.kind().name())
            .publishPercentileHistogram()
            .register(meters)
            .record(Duration.between(entry.hrReceivedAt(), acked));
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
