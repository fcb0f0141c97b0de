package org.roster.provisioning.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.roster.runtime.WorkerLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode over Kafka: hands the outbox's new operations to their targets' topics, in the
 * order they were planned, keyed by the identity ({@code acks=all}, idempotent producer). One
 * instance relays at a time (a lease). The outbox stays the record of what is owed; the relay keeps
 * only how far it got: {@code outbox_relay.next_id}, below which every operation was handed to Kafka
 * or is finished. A relay that dies, or loses its lease, after producing and before moving that
 * forward is followed by one that produces the same operations again, and the lanes, which check
 * each operation's state in the store before sending it, skip the ones already done. So a record
 * may be read twice, an operation is acknowledged once.
 *
 * <p>It reads what was planned since it last looked along the primary key (on PostgreSQL, where
 * every transaction that writes operations has its transaction id before it draws their ids, and
 * ids are drawn in order: {@link PendingFloor}). An id it read past without seeing it belongs to a
 * transaction still running, or to one rolled back: a <em>gap</em>, looked up again at every pass
 * until it is found (produced then) or every transaction that could hold it has ended without it.
 * Where it starts after a restart is the lower of its first gap and what it has not read yet. It
 * used to mark each operation relayed instead: an update of the operation's row PostgreSQL could not
 * make in place, as much of its time as the rest of cluster mode's own statements (docs/benchmarks.md).
 */
final class OperationRelay extends WorkerLoop {

    private static final Logger log = LoggerFactory.getLogger(OperationRelay.class);
    private static final int BATCH = 1_000;
    private static final long IDLE_MILLIS = 60_000;
    /** Gaps held at most: past this, reads do not go further until some are resolved. */
    static final int MAX_GAPS = 100_000;

    private final OutboxRepository outbox;
    private final OperationTopics topics;
    private final Set<String> targets;
    /** The last id read past (every operation up to it produced, finished, or a gap); -1 until read from the store. */
    private long read = -1;
    /** Ids read past without being seen, each with the first transaction id not given out when it was: see the class. */
    private final java.util.TreeMap<Long, Long> gaps = new java.util.TreeMap<>();
    /** Where the store says the relay starts, as this relay last wrote or read it. */
    private long recorded;
    private @Nullable KafkaProducer<String, String> producer;
    /** When the brokers last stopped taking operations, while they do not; null while they do. */
    private @Nullable Long refusedSince;

    OperationRelay(OutboxRepository outbox, OperationTopics topics, Set<String> targets) {
        super("roster-relay");
        this.outbox = outbox;
        this.topics = topics;
        this.targets = Set.copyOf(targets);
    }

    @Override
    public void start() {
        Properties p = topics.client("roster-relay-" + topics.instanceId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(p);
        super.start();
    }

    @Override
    public void stop() {
        super.stop();
        KafkaProducer<String, String> p = producer;
        if (p != null) {
            p.close(java.time.Duration.ofSeconds(5));
        }
    }

    @Override
    protected long pass() throws InterruptedException {
        if (read < 0) {
            recorded = outbox.relayStart(); // taken over, or started: from where the last relay got to
            read = recorded - 1;
            gaps.clear();
        }
        List<OutboxRepository.Relayable> fresh = gaps.size() < MAX_GAPS ? outbox.relayAfter(read, BATCH) : List.of();
        // past an empty range, the next id there is: ids missing for longer than a read (a large rollback)
        Long next = fresh.isEmpty() && gaps.size() < MAX_GAPS ? outbox.relayNext(read) : null;
        // Read after both reads: an id they went past belongs to a transaction that took its id (and its
        // transaction id) before the later of them, so below this snapshot's xmax. Read before the look for
        // the next id, a transaction that began between the two could hold an id tagged below its own, and
        // the gap would be dropped while it still ran (OperationRelayTests).
        long[] bounds = java.util.Objects.requireNonNull(outbox.snapshotBounds(), "cluster mode over Kafka needs PostgreSQL");
        // the gaps known before this read: those now committed are found, those whose transactions all ended are dropped
        List<OutboxRepository.Relayable> late = outbox.relayByIds(gaps.keySet());
        Set<Long> resolved = new HashSet<>();
        late.forEach(op -> resolved.add(op.id()));
        gaps.forEach((id, xmax) -> {
            if (xmax <= bounds[0]) {
                resolved.add(id); // every transaction that could hold it ended before the look-up, without it
            }
        });
        // this read's own gaps: the ids it went past without seeing
        java.util.Map<Long, Long> found = new java.util.LinkedHashMap<>();
        long last = read;
        List<OutboxRepository.Relayable> taken = new ArrayList<>();
        for (OutboxRepository.Relayable op : fresh) {
            long room = MAX_GAPS - gaps.size() - found.size();
            if (op.id() - last - 1 > room) {
                // as many as there is room for; the rest is read once some gaps are resolved
                for (long id = last + 1; id <= last + room; id++) {
                    found.put(id, bounds[1]);
                }
                last += room;
                break;
            }
            for (long id = last + 1; id < op.id(); id++) {
                found.put(id, bounds[1]);
            }
            taken.add(op);
            last = op.id();
        }
        if (next != null) {
            // ids missing for longer than a read: the ids past them are read from there at the next pass
            for (long id = read + 1; id < next && found.size() + gaps.size() < MAX_GAPS; id++) {
                found.put(id, bounds[1]);
                last = id;
            }
        }
        List<OutboxRepository.Relayable> due = new ArrayList<>();
        late.stream().filter(this::relayed).forEach(due::add);
        taken.stream().filter(this::relayed).forEach(due::add);
        if (!due.isEmpty()) {
            long producedAt = System.nanoTime();
            String error = produce(due);
            if (error != null) {
                return refused(due.size(), error, producedAt); // nothing recorded: all of it goes again
            }
        }
        Long since = refusedSince;
        if (since != null) {
            refusedSince = null;
            log.info("relay: the brokers take operations again, after {} s", (System.nanoTime() - since) / 1_000_000_000);
        }
        resolved.forEach(gaps::remove);
        gaps.putAll(found);
        read = last;
        long start = gaps.isEmpty() ? read + 1 : Math.min(gaps.firstKey(), read + 1);
        if (start > recorded) {
            outbox.relayedBelow(start);
            recorded = start;
        }
        if (!fresh.isEmpty() || !late.isEmpty() || next != null) {
            return 0;
        }
        clearWakeUps();
        // Looked at again after clearing, so that a wake-up between the read and the clearing is not lost (a
        // gap's transaction that committed meanwhile included): a gap committed later wakes the loop then.
        return outbox.relayNext(read) == null && outbox.relayByIds(gaps.keySet()).isEmpty() ? IDLE_MILLIS : 0;
    }

    /** Whether the relay hands this operation to Kafka: still pending, on a target it relays. */
    private boolean relayed(OutboxRepository.Relayable op) {
        return op.pending() && targets.contains(op.target());
    }

    /**
     * Produces the operations and waits until the brokers have every one.
     *
     * @return null when they do, else what stopped them
     */
    private @Nullable String produce(List<OutboxRepository.Relayable> due) throws InterruptedException {
        KafkaProducer<String, String> p = java.util.Objects.requireNonNull(producer);
        List<Future<RecordMetadata>> sent = new ArrayList<>(due.size());
        try {
            for (OutboxRepository.Relayable op : due) {
                String topic = op.priority() ? topics.revocations(op.target()) : topics.routine(op.target());
                sent.add(p.send(new ProducerRecord<>(topic, op.identity(), Long.toString(op.id()))));
            }
            p.flush();
        } catch (org.apache.kafka.common.KafkaException e) {
            return e.getClass().getSimpleName(); // the brokers are out of reach (metadata not available in time)
        }
        String error = null;
        for (Future<RecordMetadata> f : sent) {
            try {
                f.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                error = cause.getClass().getSimpleName();
            }
        }
        return error;
    }

    /** Another instance relays from now on: an outage said here is closed here, since that one may never see it. */
    @Override
    protected void handedOver() {
        read = -1; // if it comes back here, it goes on from where the other instance got to
        Long since = refusedSince;
        if (since != null) {
            refusedSince = null;
            log.info("relay: handed over to another instance after {} s of brokers not taking operations; what waits is"
                + " relayed from there", (System.nanoTime() - since) / 1_000_000_000);
        }
    }

    /**
     * The brokers did not take some of the {@code of} operations produced: said once while they go on
     * refusing (Kafka's own client logs a line per connection attempt, which Roster's logging
     * configuration leaves out), and tried again in a second, all of them. The outage is counted from
     * {@code producedAt}, when the operations they did not take were produced: the brokers' refusal
     * may be known only once the producer gave up on them (30 s).
     */
    private long refused(int of, String error, long producedAt) {
        if (refusedSince == null) {
            refusedSince = producedAt;
            log.warn("relay: the brokers did not take {} operations ({}); they wait in the store, revocations"
                + " among them, and are produced again every second until the brokers take them", of, error);
        }
        return 1_000;
    }
}
