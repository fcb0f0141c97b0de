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
import org.roster.provisioning.CredentialOp;
import org.roster.provisioning.NonHumanAccountOp;
import org.roster.provisioning.SecretDelivery;
import org.roster.provisioning.EnableOp;
import org.roster.provisioning.EntitlementBatchOp;
import org.roster.provisioning.LookAheadOp;
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
 * slow or unreachable target holds up nothing but itself. Each pass takes the target's
 * {@link ReadyWork} (per identity, its unfinished operations in order), sends the identities with a
 * revocation first and records them at once, then the routine work, in waves that keep each
 * identity's order however many senders run, with additions to the same entitlement coalesced
 * where the connector can.
 */
final class TargetLane extends WorkerLoop {

    private static final Logger log = LoggerFactory.getLogger(TargetLane.class);
    private static final int BATCH = 500;
    private static final Duration IDLE_WAIT = Duration.ofMinutes(1);
    /**
     * How often, at most, routine work looks in the store (cluster mode) or at the brokers (over
     * Kafka) for a revocation that arrived after its pass began: a leaver planned elsewhere waits
     * for at most about this long plus the sends in flight, not for the rest of a pass of bulk work
     * (docs/benchmarks.md, leaver latency under load). One planned on this instance is seen at once.
     */
    private static final long LOOK_FOR_REVOCATIONS_NANOS = Duration.ofMillis(10).toNanos();

    private final Connector connector;
    private final int concurrency;
    private final @Nullable Duration slo;
    private final OutboxRepository outbox;
    private final Outcomes outcomes;
    /** In cluster mode: revocations are also planned on other instances, and routine work looks for them in the store. */
    private volatile boolean clustered;
    /** Set when a revocation is planned on this instance, cleared when a pass reads the store. */
    private volatile boolean revocationPlanned;
    /** Where the read of routine operations starts, on PostgreSQL (the loop's own). */
    private final PendingFloor floor = new PendingFloor();
    private final RevocationCheck revocations;
    private final Clock clock;
    private @Nullable ExecutorService senders;
    private final io.github.resilience4j.circuitbreaker.CircuitBreaker breaker;
    /** Sending the one operation that probes a target that was down: its failure uses up no attempt. */
    private volatile boolean probing;
    private final com.google.common.util.concurrent.@Nullable RateLimiter rateLimiter;

    private final @Nullable TaskRepository tasks;
    private final java.util.function.Supplier<org.roster.provisioning.@Nullable SecretDelivery> secrets;
    /** In cluster mode over Kafka: where this instance's share of the target's work comes from. */
    private @Nullable OperationStream stream;

    TargetLane(Connector connector, org.roster.provisioning.TargetSettings settings, OutboxRepository outbox,
               Outcomes outcomes, RevocationCheck revocations, @Nullable TaskRepository tasks, Clock clock,
               java.util.function.Supplier<org.roster.provisioning.@Nullable SecretDelivery> secrets) {
        super("roster-dispatch-" + connector.name());
        this.connector = connector;
        this.concurrency = settings.concurrency();
        this.slo = settings.revocationSlo();
        this.outbox = outbox;
        this.outcomes = outcomes;
        this.revocations = revocations;
        this.tasks = tasks;
        this.clock = clock;
        this.secrets = secrets;
        this.rateLimiter = settings.rateLimit() == null ? null
            : com.google.common.util.concurrent.RateLimiter.create(settings.rateLimit());
        // Outages only (unreachable, 5xx): a target refusing an operation on its merits is answering.
        this.breaker = io.github.resilience4j.circuitbreaker.CircuitBreaker.of(connector.name(),
            io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                .slidingWindowType(io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.breakerFailures())
                .minimumNumberOfCalls(settings.breakerFailures())
                .failureRateThreshold(100)
                .permittedNumberOfCallsInHalfOpenState(1)
                .waitIntervalFunctionInOpenState(io.github.resilience4j.core.IntervalFunction.ofExponentialBackoff(
                    settings.breakerCoolDown(), 2.0, Duration.ofMinutes(1)))
                .recordExceptions(RetryableConnectorException.class)
                .build());
        breaker.getEventPublisher().onStateTransition(e -> outcomes.circuit(connector.name(),
            e.getStateTransition().getToState().name()));
    }

    /**
     * Cluster mode over Kafka: the lane sends the work of the partitions the target's consumer group
     * gives this instance, on every instance at once, instead of all of it on the lease holder.
     */
    void overKafka(OperationStream stream) {
        this.stream = stream;
    }

    @Override
    protected boolean singleton() {
        return stream == null;
    }

    @Override
    public void start() {
        if (stream != null) {
            stream.open();
        }
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
        if (stream != null) {
            stream.wakeup();
        }
        super.stop();
        if (senders != null) {
            senders.shutdownNow();
        }
        if (stream != null) {
            stream.close(); // after the loop ended: a consumer is used by one thread at a time
        }
    }

    /** Whether other instances plan too (cluster mode), so that routine work looks in the store for their revocations. */
    void clustered(boolean clustered) {
        this.clustered = clustered;
    }

    /**
     * A revocation on this target was planned here: routine work in progress stops for it at its next
     * send, without waiting for the store to be looked at.
     */
    void revocationPlanned() {
        revocationPlanned = true;
    }

    /** A manual task for a revocation was closed: check (as far as this target can be checked) and time it. */
    void afterTask(OutboxEntry entry, Instant at) {
        revocations.afterRevocations(connector, slo, List.of(new Acknowledged(entry, null, at)));
    }

    /** Whether the circuit is open (or probing): the target is treated as down. */
    boolean circuitOpen() {
        return breaker.getState() != io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED;
    }

    @Override
    protected long pass() throws InterruptedException {
        if (!breaker.tryAcquirePermission()) {
            // Open: nothing is sent (and no attempt used up) until the cool-down is over and a probe succeeds.
            if (stream != null) {
                stream.keepAlive();
            }
            return 200;
        }
        if (breaker.getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.HALF_OPEN) {
            return probe();
        }
        if (stream != null) {
            ReadyWork work = stream.next(clock.instant(), BATCH); // waits on the brokers when nothing is due
            send(work);
            return 0;
        }
        revocationPlanned = false; // what was planned before this read is in it
        ReadyWork work = ReadyWork.select(outbox, connector.name(), clock.instant(), BATCH, floor.start());
        floor.read(work.firstRoutine(), outbox);
        if (work.isEmpty()) {
            clearWakeUps();
            // Looked at again after clearing, so that a wake-up between the read and the clearing is not lost.
            ReadyWork again = ReadyWork.select(outbox, connector.name(), clock.instant(), 1, floor.start());
            return again.isEmpty() ? waitMillis(again.nextDue()) : 0;
        }
        send(work);
        return 0;
    }

    private void send(ReadyWork work) throws InterruptedException {
        // A revocation is recorded as soon as it is done, not after the routine work behind it.
        List<Acknowledged> revoked = outcomes.acknowledge(inWaves(work.revocations(), null));
        revocations.afterRevocations(connector, slo, revoked);
        if (!stopping()) {
            outcomes.acknowledge(inWaves(work.routine(), new Yield(work.lastRevocation())));
        }
    }

    /**
     * Whether routine work stops for a revocation that arrived after its pass began: at once when it
     * was planned on this instance; in cluster mode also when one planned elsewhere is found in the
     * store; over Kafka, when one arrives on the revocations topic (or partitions change hands).
     * Those two are looked for at most every {@link #LOOK_FOR_REVOCATIONS_NANOS}, between sends.
     * What is left of the pass stays pending, in order, and the next pass sends the revocation first.
     */
    private final class Yield {
        private final long lastRevocation;
        private long lookedAt = System.nanoTime();

        Yield(long lastRevocation) {
            this.lastRevocation = lastRevocation;
        }

        boolean now() throws InterruptedException {
            OperationStream over = stream;
            if (over == null && revocationPlanned) {
                return true;
            }
            if (over == null && !clustered) {
                return false; // every revocation is planned on this instance, which says so
            }
            // planned on another instance of the cluster, which announces it only as work; or, over
            // Kafka, on the revocations topic, wherever it was planned
            long t = System.nanoTime();
            if (t - lookedAt < LOOK_FOR_REVOCATIONS_NANOS) {
                return false;
            }
            lookedAt = t;
            return over != null ? over.revocationArrived()
                : outbox.revocationDueAfter(connector.name(), lastRevocation, clock.instant());
        }
    }

    /** Half open: one operation, the oldest ready (revocations first), tells whether the target is back. */
    private long probe() throws InterruptedException {
        ReadyWork work = stream != null ? stream.next(clock.instant(), 1)
            : ReadyWork.select(outbox, connector.name(), clock.instant(), 1, floor.start());
        List<List<OutboxEntry>> first = !work.revocations().isEmpty() ? work.revocations() : work.routine();
        if (first.isEmpty()) {
            breaker.releasePermission();
            return waitMillis(work.nextDue());
        }
        probing = true;
        List<Acknowledged> done;
        try {
            done = inWaves(List.of(List.of(first.get(0).get(0))), null);
        } finally {
            probing = false;
        }
        done = outcomes.acknowledge(done);
        if (first == work.revocations()) {
            revocations.afterRevocations(connector, slo, done);
        }
        return 0;
    }

    /**
     * Sends each identity's operations in order, a wave at a time: the first of every sequence, then
     * the second, and so on, the operations of a wave {@code concurrency} at a time and additions of
     * the same entitlement together. An identity whose operation fails sends nothing more this pass.
     * With {@code yield}, the sends stop early when a revocation arrives; an identity's operations
     * not sent yet wait for the next pass, still in order.
     */
    private List<Acknowledged> inWaves(List<List<OutboxEntry>> sequences, @Nullable Yield yield)
        throws InterruptedException {
        List<Acknowledged> acknowledged = new ArrayList<>();
        List<java.util.Iterator<OutboxEntry>> live = new ArrayList<>();
        sequences.forEach(seq -> live.add(seq.iterator()));
        while (!live.isEmpty() && !stopping()) {
            List<OutboxEntry> wave = new ArrayList<>(live.size());
            live.removeIf(it -> !it.hasNext());
            live.forEach(it -> wave.add(it.next()));
            if (wave.isEmpty()) {
                break;
            }
            // nothing is written before the sends: each attempt is counted with its outcome
            Instant sentAt = clock.instant();
            List<Callable<List<Acknowledged>>> tasks = new ArrayList<>();
            // one entitlement's additions together, and its removals together (one kind each: a wave
            // has one operation per identity, so nobody's order changes)
            Map<String, List<OutboxEntry>> together = new LinkedHashMap<>();
            for (OutboxEntry entry : wave) {
                Operation op = entry.operation();
                if ((op.kind() == OperationKind.ADD_ENTITLEMENT || op.kind() == OperationKind.REMOVE_ENTITLEMENT)
                    && op.entitlement() != null && connector instanceof EntitlementBatchOp) {
                    together.computeIfAbsent(op.kind() + " " + op.entitlement(), k -> new ArrayList<>()).add(entry);
                } else {
                    tasks.add(() -> send(entry, sentAt).map(List::of).orElse(List.of()));
                }
            }
            together.values().forEach(group -> tasks.add(() -> sendTogether(group, sentAt)));
            List<Acknowledged> done = new ArrayList<>();
            boolean yielded;
            boolean lookedAhead = lookAhead(wave, yield);
            try {
                yielded = run(tasks, yield, done);
            } finally {
                if (lookedAhead) {
                    ((LookAheadOp) connector).forget();
                }
            }
            acknowledged.addAll(done);
            if (yielded || circuitOpen()) {
                // a revocation goes first, or the target went down (the rest waits for it, without using up attempts)
                break;
            }
            if (done.size() < wave.size()) {
                // the identities whose operation failed stop here; the rest go on to their next one
                java.util.Set<Long> ok = new java.util.HashSet<>();
                done.forEach(a -> ok.add(a.entry().id()));
                java.util.Iterator<java.util.Iterator<OutboxEntry>> it = live.iterator();
                for (OutboxEntry entry : wave) {
                    it.next();
                    if (!ok.contains(entry.id())) {
                        it.remove();
                    }
                }
            }
        }
        return acknowledged;
    }

    /**
     * Before a wave with several creates, enables, disables or deletes, lets a target that finds each
     * account with a request of its own find them together ({@link LookAheadOp}), {@link
     * #LOOK_AHEAD_SLICE} at a time, each slice one send in the rate limit; a revocation that arrives
     * in between stops it (the wave then yields at once). Whether it looked ahead.
     */
    private boolean lookAhead(List<OutboxEntry> wave, @Nullable Yield yield) throws InterruptedException {
        if (!(connector instanceof LookAheadOp ahead) || connector instanceof org.roster.provisioning.IdempotentOp) {
            return false;
        }
        List<String> identities = new ArrayList<>();
        for (OutboxEntry entry : wave) {
            if (LOOKED_AHEAD.contains(entry.operation().kind())) {
                identities.add(entry.operation().identity());
            }
        }
        if (identities.size() < 2 || circuitOpen()) {
            return false;
        }
        for (int from = 0; from < identities.size(); from += LOOK_AHEAD_SLICE) {
            if (from > 0 && yield != null && yield.now()) {
                break;
            }
            throttle();
            try {
                ahead.lookAhead(identities.subList(from, Math.min(identities.size(), from + LOOK_AHEAD_SLICE)));
            } catch (RuntimeException e) {
                log.warn("connector {} failed looking ahead for {} accounts: each is found on its own", connector.name(),
                    identities.size(), e);
                break;
            }
        }
        return true;
    }

    /** Accounts looked ahead for at a time (a SCIM search takes at most 100 users). */
    private static final int LOOK_AHEAD_SLICE = 100;

    /** The operations whose accounts {@link #lookAhead} finds. */
    private static final java.util.Set<OperationKind> LOOKED_AHEAD = java.util.EnumSet.of(OperationKind.CREATE,
        OperationKind.ENABLE, OperationKind.DISABLE, OperationKind.DELETE);

    /**
     * Runs a wave's sends, {@code concurrency} at a time, adding what was acknowledged. With
     * {@code yield}, the lane looks (while the sends run, or between them with one sender) and, when a
     * revocation arrived, skips the sends not started yet: no barrier every few sends, so the senders
     * stay busy. Returns whether it skipped any for a revocation.
     */
    private boolean run(List<Callable<List<Acknowledged>>> tasks, @Nullable Yield yield, List<Acknowledged> into)
        throws InterruptedException {
        if (senders == null || tasks.size() == 1) {
            for (int i = 0; i < tasks.size(); i++) {
                into.addAll(call(tasks.get(i)));
                if (yield != null && i < tasks.size() - 1 && yield.now()) {
                    return true;
                }
            }
            return false;
        }
        java.util.concurrent.atomic.AtomicBoolean skip = new java.util.concurrent.atomic.AtomicBoolean();
        List<Future<List<Acknowledged>>> sends = new ArrayList<>(tasks.size());
        tasks.forEach(task -> sends.add(senders.submit(() -> skip.get() ? List.<Acknowledged>of() : task.call())));
        try {
            for (Future<List<Acknowledged>> f : sends) {
                into.addAll(await(f, yield, skip));
            }
        } catch (InterruptedException e) {
            sends.forEach(f -> f.cancel(true));
            throw e;
        }
        return skip.get();
    }

    /** A send's outcome; before and while waiting for it, the lane looks for a revocation. */
    private List<Acknowledged> await(Future<List<Acknowledged>> send, @Nullable Yield yield,
                                     java.util.concurrent.atomic.AtomicBoolean skip) throws InterruptedException {
        try {
            while (yield != null && !skip.get()) {
                if (yield.now()) { // before each wait: most sends are over long before a look falls due
                    skip.set(true);
                    break;
                }
                try {
                    return send.get(LOOK_FOR_REVOCATIONS_NANOS, java.util.concurrent.TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // still running: look again
                }
            }
            return send.get();
        } catch (ExecutionException e) {
            // send() records its own failures; this is a bug, and the operation stays pending for a retry
            log.error("target {}: a send failed unexpectedly", connector.name(), e.getCause());
            return List.of();
        }
    }

    private static List<Acknowledged> call(Callable<List<Acknowledged>> task) {
        try {
            return task.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<Acknowledged> send(OutboxEntry entry, Instant sentAt) {
        Operation op = entry.operation();
        if (!probing && circuitOpen()) {
            return Optional.empty(); // the circuit opened during this wave: not tried, no attempt used up
        }
        if (connector instanceof org.roster.provisioning.manual.ManualConnector manual && tasks != null) {
            // A task for the system's owner; acknowledged when it is closed. Not an attempt.
            Instant now = clock.instant();
            tasks.open(entry, now, now.plus(manual.settings().dueWithin()));
            outbox.waitForTask(entry.id(), now);
            return Optional.empty();
        }
        long start = System.nanoTime();
        try {
            throttle();
            apply(entry);
            breaker.onSuccess(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            return Optional.of(new Acknowledged(entry, sentAt, clock.instant()));
        } catch (UndeliveredSecret e) {
            // the target answered; the sink did not: rotated again on the retry, without blaming the target
            breaker.onSuccess(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            outcomes.failed(entry, sentAt, e.getMessage(), false);
        } catch (RetryableConnectorException e) {
            breaker.onError(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS, e);
            outcomes.failed(entry, probing ? null : sentAt, e.getMessage(), false);
        } catch (ConnectorException e) {
            breaker.onSuccess(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            outcomes.failed(entry, sentAt, e.getMessage(), true);
        } catch (RuntimeException e) {
            log.error("connector {} failed on operation {}", op.target(), entry.id(), e);
            breaker.onError(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS, e);
            outcomes.failed(entry, sentAt, e.toString(), false);
        }
        return Optional.empty();
    }

    private void throttle() {
        if (rateLimiter != null) {
            rateLimiter.acquire();
        }
    }

    private List<Acknowledged> sendTogether(List<OutboxEntry> group, Instant sentAt) {
        if (group.size() == 1) {
            return send(group.get(0), sentAt).map(List::of).orElse(List.of());
        }
        String entitlement = group.get(0).operation().entitlement();
        boolean add = group.get(0).operation().kind() == OperationKind.ADD_ENTITLEMENT;
        List<String> identities = group.stream().map(e -> e.operation().identity()).toList();
        Map<String, ConnectorException> failures;
        long start = System.nanoTime();
        try {
            throttle();
            EntitlementBatchOp batch = (EntitlementBatchOp) connector;
            failures = add ? batch.addEntitlementToAll(entitlement, identities)
                : batch.removeEntitlementFromAll(entitlement, identities);
            if (failures.values().stream().anyMatch(RetryableConnectorException.class::isInstance)) {
                breaker.onError(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS,
                    failures.values().iterator().next());
            } else {
                breaker.onSuccess(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        } catch (RuntimeException e) {
            breaker.onError(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS, e);
            log.error("connector {} failed on a batch of {} {}", connector.name(), group.size(), add ? "additions" : "removals", e);
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
                acknowledged.add(new Acknowledged(entry, sentAt, at));
            } else {
                outcomes.failed(entry, sentAt, failure.getMessage(), !(failure instanceof RetryableConnectorException));
            }
        }
        return acknowledged;
    }

    /** Until the earliest retry among the identities held back, or a while when nothing waits (a wake-up comes first). */
    private long waitMillis(@Nullable Instant nextDue) {
        if (nextDue == null) {
            return IDLE_WAIT.toMillis();
        }
        return Math.min(Math.max(1, Duration.between(clock.instant(), nextDue).toMillis()), IDLE_WAIT.toMillis());
    }

    private void apply(OutboxEntry entry) throws ConnectorException {
        Operation op = entry.operation();
        Connector c = connector;
        if (c instanceof org.roster.provisioning.IdempotentOp keyed && !op.kind().nonHuman()) {
            keyed.apply(key(entry), op);
            return;
        }
        switch (op.kind()) {
            case CREATE -> capability(c, CreateOp.class, op).create(op.identity(), op.attributes());
            case UPDATE -> capability(c, UpdateOp.class, op).update(op.identity(), op.attributes());
            case ENABLE -> capability(c, EnableOp.class, op).enable(op.identity());
            case DISABLE -> capability(c, EnableOp.class, op).disable(op.identity());
            case ADD_ENTITLEMENT -> capability(c, EntitlementOp.class, op).addEntitlement(op.identity(), entitlement(op));
            case REMOVE_ENTITLEMENT -> capability(c, EntitlementOp.class, op).removeEntitlement(op.identity(), entitlement(op));
            case DELETE -> capability(c, org.roster.provisioning.DeleteOp.class, op).delete(op.identity());
            case NHI_ROTATE -> rotate(op);
            case NHI_DISABLE -> capability(c, NonHumanAccountOp.class, op).disableNonHuman(nonHumanName(op));
            case NHI_DELETE -> capability(c, NonHumanAccountOp.class, op).deleteNonHuman(nonHumanName(op));
        }
    }

    /** The operation's key at a target that deduplicates: its outbox id, and when it was planned, against a rebuilt store. */
    static String key(OutboxEntry entry) {
        return "roster-" + entry.id() + "-" + entry.plannedAt().toEpochMilli();
    }

    /**
     * A new value for a non-human credential, handed to the secret sink before the operation counts
     * as done: if the sink fails (or Roster stops in between), the retry rotates again.
     */
    private void rotate(Operation op) throws ConnectorException {
        SecretDelivery delivery = secrets.get();
        if (delivery == null || !delivery.available()) {
            throw new ConnectorException("no secret sink is configured: a new secret would have nowhere to go");
        }
        String secret = capability(connector, CredentialOp.class, op).rotateSecret(nonHumanName(op));
        try {
            delivery.deliver(op, secret);
        } catch (java.io.IOException e) {
            throw new UndeliveredSecret("rotated, but the new secret could not be delivered to the secret sink ("
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + "): rotated again on the next attempt");
        }
    }

    private static String nonHumanName(Operation op) throws ConnectorException {
        String name = op.attributes().get("name");
        if (name == null || name.isBlank()) {
            throw new ConnectorException(op.kind() + " without the non-human account's name");
        }
        return name;
    }

    /** The target rotated the credential but the sink did not take the value: retried, not the target's fault. */
    private static final class UndeliveredSecret extends ConnectorException {
        UndeliveredSecret(String message) {
            super(message);
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
