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
 * order they were planned, keyed by the identity, and marks each relayed once the brokers have it
 * ({@code acks=all}, idempotent producer). One instance relays at a time (a lease). The outbox stays
 * the record of what is owed: a relay that dies between producing and marking produces the same
 * operations again, and the lanes, which check each operation's state in the store before sending
 * it, skip the ones already done. So a record may be read twice, an operation is acknowledged once.
 */
final class OperationRelay extends WorkerLoop {

    private static final Logger log = LoggerFactory.getLogger(OperationRelay.class);
    private static final int BATCH = 1_000;
    private static final long IDLE_MILLIS = 60_000;

    private final OutboxRepository outbox;
    private final OperationTopics topics;
    private final Set<String> targets;
    /** Where the read of unrelayed operations starts, on PostgreSQL (this loop's own). */
    private final PendingFloor floor = new PendingFloor();
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
        int adopted = outbox.adoptForRelay();
        if (adopted > 0) {
            log.info("relay: {} unfinished operation(s) planned before Kafka mode are handed to Kafka", adopted);
        }
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
        List<OutboxRepository.Unrelayed> batch = outbox.unrelayed(targets, floor.start(), BATCH);
        floor.read(batch.isEmpty() ? Long.MAX_VALUE : batch.get(0).id(), outbox);
        if (batch.isEmpty()) {
            clearWakeUps();
            // looked at again after clearing, so that a wake-up between the read and the clearing is not lost
            return outbox.unrelayed(targets, floor.start(), 1).isEmpty() ? IDLE_MILLIS : 0;
        }
        KafkaProducer<String, String> p = java.util.Objects.requireNonNull(producer);
        long producedAt = System.nanoTime();
        List<Future<RecordMetadata>> sent = new ArrayList<>(batch.size());
        try {
            for (OutboxRepository.Unrelayed op : batch) {
                String topic = op.priority() ? topics.revocations(op.target()) : topics.routine(op.target());
                sent.add(p.send(new ProducerRecord<>(topic, op.identity(), Long.toString(op.id()))));
            }
            p.flush();
        } catch (org.apache.kafka.common.KafkaException e) {
            // the brokers are out of reach (metadata not available in time): nothing is marked, all goes again
            return refused(batch.size(), batch.size(), e.getClass().getSimpleName(), producedAt);
        }
        // Marked relayed: what the brokers acknowledged, except anything behind a failure of the same
        // identity, which goes again in order on the next pass.
        List<Long> relayed = new ArrayList<>(batch.size());
        Set<String> failed = new HashSet<>();
        String error = null;
        for (int i = 0; i < batch.size(); i++) {
            OutboxRepository.Unrelayed op = batch.get(i);
            try {
                sent.get(i).get(30, TimeUnit.SECONDS);
                if (!failed.contains(op.identity())) {
                    relayed.add(op.id());
                }
            } catch (ExecutionException | TimeoutException e) {
                failed.add(op.identity());
                Throwable cause = e.getCause() == null ? e : e.getCause();
                error = cause.getClass().getSimpleName();
            }
        }
        if (!relayed.isEmpty()) {
            outbox.markRelayed(relayed);
        }
        if (error != null) {
            return refused(batch.size() - relayed.size(), batch.size(), error, producedAt);
        }
        Long since = refusedSince;
        if (since != null) {
            refusedSince = null;
            log.info("relay: the brokers take operations again, after {} s", (System.nanoTime() - since) / 1_000_000_000);
        }
        return 0;
    }

    /** Another instance relays from now on: an outage said here is closed here, since that one may never see it. */
    @Override
    protected void handedOver() {
        Long since = refusedSince;
        if (since != null) {
            refusedSince = null;
            log.info("relay: handed over to another instance after {} s of brokers not taking operations; what waits is"
                + " relayed from there", (System.nanoTime() - since) / 1_000_000_000);
        }
    }

    /**
     * The brokers did not take {@code notTaken} of the {@code of} operations produced: said once while
     * they go on refusing (Kafka's own client logs a line per connection attempt, which Roster's
     * logging configuration leaves out), and tried again in a second. The outage is counted from
     * {@code producedAt}, when the first operations they did not take were produced: the brokers'
     * refusal may be known only once the producer gave up on them (30 s).
     */
    private long refused(int notTaken, int of, String error, long producedAt) {
        if (refusedSince == null) {
            refusedSince = producedAt;
            log.warn("relay: the brokers did not take {} of {} operations ({}); they wait in the store, revocations"
                + " among them, and are produced again every second until the brokers take them", notTaken, of, error);
        }
        return 1_000;
    }
}
