package org.roster.provisioning.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.roster.plan.Operation;
import org.roster.plan.OperationKind;
import org.roster.provisioning.Connector;
import org.roster.provisioning.ConnectorException;
import org.roster.provisioning.CreateOp;
import org.roster.provisioning.EnableOp;
import org.roster.provisioning.EntitlementBatchOp;
import org.roster.provisioning.EntitlementOp;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.RetryableConnectorException;
import org.roster.provisioning.UpdateOp;
import org.roster.provisioning.internal.Outcomes.Acknowledged;
import org.roster.runtime.WorkerLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one target's operations: its own loop and its own pool of {@code concurrency} senders, so a
 * slow or unreachable target holds up nothing but itself. Each pass takes the target's ready
 * operations (at most one per identity, the oldest unfinished, so per-identity order holds however
 * many are in flight), sends the priority lane first and records it at once, then the routine
 * work, with additions to the same entitlement coalesced where the connector can.
 */
final class TargetLane extends WorkerLoop {

    private static final Logger log = LoggerFactory.getLogger(TargetLane.class);
    private static final int BATCH = 500;
    private static final Duration IDLE_WAIT = Duration.ofMinutes(1);

    private final Connector connector;
    private final int concurrency;
    private final OutboxRepository outbox;
    private final Outcomes outcomes;
    private final Clock clock;
    private @Nullable ExecutorService senders;

    TargetLane(Connector connector, int concurrency, OutboxRepository outbox, Outcomes outcomes, Clock clock) {
        super("roster-dispatch-" + connector.name());
        this.connector = connector;
        this.concurrency = concurrency;
        this.outbox = outbox;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    @Override
    public void start() {
        if (concurrency > 1) {
            AtomicInteger n = new AtomicInteger();
            senders = Executors.newFixedThreadPool(concurrency, r -> {
                Thread t = new Thread(r, "roster-send-" + connector.name() + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        super.start();
    }

    @Override
    public void stop() {
        super.stop();
        if (senders != null) {
            senders.shutdownNow();
        }
    }

    @Override
    protected long pass() throws InterruptedException {
        String target = connector.name();
        List<OutboxEntry> batch = outbox.nextBatch(target, clock.instant(), BATCH);
        if (batch.isEmpty()) {
            clearWakeUps();
            // Checked again after clearing, so that a wake-up between the query and the clearing is not lost.
            return outbox.nextBatch(target, clock.instant(), 1).isEmpty() ? waitMillis() : 0;
        }
        outbox.markSent(batch.stream().map(OutboxEntry::id).toList(), clock.instant());
        List<Callable<List<Acknowledged>>> priority = new ArrayList<>();
        List<Callable<List<Acknowledged>>> routine = new ArrayList<>();
        Map<String, List<OutboxEntry>> additions = new LinkedHashMap<>();
        for (OutboxEntry entry : batch) {
            Operation op = entry.operation();
            if (op.priority()) {
                priority.add(() -> send(entry).map(List::of).orElse(List.of()));
            } else if (op.kind() == OperationKind.ADD_ENTITLEMENT && op.entitlement() != null
                && connector instanceof EntitlementBatchOp) {
                additions.computeIfAbsent(op.entitlement(), k -> new ArrayList<>()).add(entry);
            } else {
                routine.add(() -> send(entry).map(List::of).orElse(List.of()));
            }
        }
        additions.values().forEach(group -> routine.add(() -> sendTogether(group)));
        // A revocation is recorded as soon as it is done, not after the routine work behind it.
        outcomes.acknowledge(run(priority));
        if (!stopping()) {
            outcomes.acknowledge(run(routine));
        }
        return 0;
    }

    private List<Acknowledged> run(List<Callable<List<Acknowledged>>> tasks) throws InterruptedException {
        List<Acknowledged> acknowledged = new ArrayList<>();
        if (senders == null || tasks.size() == 1) {
            for (Callable<List<Acknowledged>> task : tasks) {
                acknowledged.addAll(call(task));
            }
            return acknowledged;
        }
        for (Future<List<Acknowledged>> f : senders.invokeAll(tasks)) {
            try {
                acknowledged.addAll(f.get());
            } catch (ExecutionException e) {
                // send() records its own failures; this is a bug, and the operation stays pending for a retry
                log.error("target {}: a send failed unexpectedly", connector.name(), e.getCause());
            }
        }
        return acknowledged;
    }

    private static List<Acknowledged> call(Callable<List<Acknowledged>> task) {
        try {
            return task.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<Acknowledged> send(OutboxEntry entry) {
        Operation op = entry.operation();
        try {
            send(op);
            return Optional.of(new Acknowledged(entry, clock.instant()));
        } catch (RetryableConnectorException e) {
            outcomes.failed(entry, e.getMessage(), false);
        } catch (ConnectorException e) {
            outcomes.failed(entry, e.getMessage(), true);
        } catch (RuntimeException e) {
            log.error("connector {} failed on operation {}", op.target(), entry.id(), e);
            outcomes.failed(entry, e.toString(), false);
        }
        return Optional.empty();
    }

    private List<Acknowledged> sendTogether(List<OutboxEntry> group) {
        if (group.size() == 1) {
            return send(group.get(0)).map(List::of).orElse(List.of());
        }
        String entitlement = group.get(0).operation().entitlement();
        Map<String, ConnectorException> failures;
        try {
            failures = ((EntitlementBatchOp) connector).addEntitlementToAll(entitlement,
                group.stream().map(e -> e.operation().identity()).toList());
        } catch (RuntimeException e) {
            log.error("connector {} failed on a batch of {} additions", connector.name(), group.size(), e);
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
                outcomes.failed(entry, failure.getMessage(), !(failure instanceof RetryableConnectorException));
            }
        }
        return acknowledged;
    }

    private long waitMillis() {
        Instant now = clock.instant();
        return outbox.nextDue(connector.name())
            .map(due -> Math.max(1, Duration.between(now, due).toMillis()))
            .map(ms -> Math.min(ms, IDLE_WAIT.toMillis()))
            .orElse(IDLE_WAIT.toMillis());
    }

    private void send(Operation op) throws ConnectorException {
        Connector c = connector;
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
}
