package org.roster.provisioning.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.roster.provisioning.OutboxEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One target's share of work in cluster mode over Kafka: a member of the target's consumer group,
 * reading the partitions of its two topics that the group gives this instance. A record names an
 * identity with work on the target; the work itself, and whether it is still owed, is read from the
 * store: for each identity with a record, its unfinished operations on the target in the order they
 * were planned. So a record read twice (after a rebalance, or relayed twice) sends nothing twice, and
 * an identity's operations go out in order whichever topic announced them first.
 *
 * <p>A revocation does not wait for its record for long: one still unfinished
 * {@value #STRANDED_AFTER_SECONDS} s after it was planned (the brokers out of reach, so the relay could
 * not hand it over or no record could be fetched, or the relay far behind) is found in the store by
 * the instance that holds its identity's partition, and sent as if its record had arrived. Found so,
 * it is still sent by the one instance that sends that identity's work, in order.
 *
 * <p>Offsets are committed up to the first record whose operation is unfinished, so an operation
 * waiting for a retry, or whose instance died before the target answered, is read again by whoever
 * holds its partition next. Records of routine work stop being fetched while too many wait here; a
 * revocation's never do.
 */
final class OperationStream implements ConsumerRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(OperationStream.class);
    /** Records held while their operations are unfinished, before routine partitions are paused. */
    static final int MAX_QUEUED = 5_000;
    private static final int IN_CHUNKS = 1_000;
    private static final long MAX_WAIT_MILLIS = 500;
    /** How long a revocation waits for its record before its partition's holder finds it in the store. */
    static final long STRANDED_AFTER_SECONDS = 5;
    /** How often the store is asked for such revocations, at most. */
    private static final long STRANDED_EVERY_MILLIS = 1_000;

    private record Held(long offset, long id, String identity) {
    }

    private final String target;
    private final OperationTopics topics;
    private final OutboxRepository outbox;
    private final PartitionClaims claims;
    private final Map<TopicPartition, ArrayDeque<Held>> queued = new HashMap<>();
    /** Per partition, the offset after the last record read. */
    private final Map<TopicPartition, Long> read = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    /** Made on the lane's thread once the target's topics are known (the brokers answered), and used by it alone. */
    private volatile @Nullable KafkaConsumer<String, String> consumer;
    private volatile boolean opened;
    /** The partitions taken over from an instance that stopped renewing its claims, last said in the log. */
    private Set<Integer> takenOver = Set.of();
    /** This instance's claims, per partition the partition count they were made under, as last renewed. */
    private Map<Integer, Integer> claimed = Map.of();
    private @Nullable Instant claimsLookedAt;
    private boolean paused;
    /**
     * How many operations each identity still owing had due, in the last chunk read that had any: how
     * many identities a pass reads for its budget.
     */
    private double dueByIdentity = 1;
    /** Partitions given, taken or lost so far: a pass that saw this change stops (see {@link #revocationArrived()}). */
    private long rebalances;
    private boolean busy;
    private @Nullable Instant nextDue;
    private @Nullable Instant strandedLookedAt;
    /** Whether revocations were last found waiting for their records: said once when they start to be, and once when not. */
    private boolean stranded;
    /**
     * Revocation partitions this instance gave up when a rebalance began, while that rebalance has not
     * assigned anything yet. Nobody sends their work meanwhile: when the brokers went away during the
     * rebalance, these are the partitions whose revocations this instance still answers for.
     */
    private final Set<Integer> heldBeforeRebalance = new HashSet<>();

    OperationStream(String target, OperationTopics topics, OutboxRepository outbox, PartitionClaims claims) {
        this.target = target;
        this.topics = topics;
        this.outbox = outbox;
        this.claims = claims;
    }

    /**
     * Joins the target's consumer group once its topics are known: at once when the brokers answered
     * at start, otherwise at the first pass after they do. Until then the lane sends only the
     * revocations its claims answer for.
     */
    void open() {
        opened = true;
    }

    private @Nullable KafkaConsumer<String, String> consumer() {
        KafkaConsumer<String, String> c = consumer;
        if (c == null && opened && topics.partitions(target) > 0) {
            c = subscribe();
            consumer = c;
        }
        return c;
    }

    private KafkaConsumer<String, String> subscribe() {
        Properties p = topics.client("roster-dispatch-" + target + "-" + topics.instanceId());
        long session = topics.settings().sessionTimeout().toMillis();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, topics.group(target));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) session);
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(1_000, session / 3));
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 600_000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p);
        c.subscribe(List.of(topics.routine(target), topics.revocations(target)), this);
        return c;
    }

    /** The partitions the group gave this instance: none during a rebalance. */
    Set<TopicPartition> assignment() {
        KafkaConsumer<String, String> c = consumer;
        return c == null ? Set.of() : c.assignment();
    }

    /** Makes a poll in progress return: the lane is stopping. */
    void wakeup() {
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** Leaves the group (its partitions go to the others at once), having committed what is finished. */
    void close() {
        KafkaConsumer<String, String> c = consumer;
        if (c == null) {
            return;
        }
        consumer = null;
        try {
            c.close(Duration.ofSeconds(5));
        } catch (KafkaException e) {
            log.warn("target {}: the Kafka consumer did not close cleanly ({})", target, e.getClass().getSimpleName());
        }
    }

    /**
     * Reads what arrived (waiting up to half a second when there was nothing to do), forgets records
     * whose operations are finished, commits the offsets before the first unfinished one, and returns
     * what may be sent now: per identity with a record here, its unfinished operations in order, as
     * far as they are due; identities announced on the revocations topic first.
     */
    ReadyWork next(Instant now, int limit) throws InterruptedException {
        KafkaConsumer<String, String> c = consumer();
        long wait = busy ? 0 : nextDue == null ? MAX_WAIT_MILLIS
            : Math.max(0, Math.min(MAX_WAIT_MILLIS, Duration.between(now, nextDue).toMillis()));
        if (c != null) {
            poll(c, wait);
        } else {
            Thread.sleep(wait); // no brokers yet: the claims' revocations are all there is
        }
        Set<String> urgent = new LinkedHashSet<>();
        Set<String> routine = new LinkedHashSet<>();
        queued.forEach((tp, q) -> q.forEach(h -> (revocations(tp) ? urgent : routine).add(h.identity())));
        urgent.addAll(stranded(c, now));
        routine.removeAll(urgent);
        Map<String, List<OutboxEntry>> chains = chainsToSend(urgent, routine, now, limit);
        forgetFinished(queued.keySet(), chains.keySet(), chains);
        if (c != null) {
            commit(c, read.keySet(), false);
            flowControl(c);
        }
        ReadyWork work = ReadyWork.of(chains, urgent, routine, now, limit);
        busy = !work.isEmpty();
        nextDue = work.nextDue();
        return work;
    }

    /**
     * The identities of this instance's partitions with a revocation unfinished {@value
     * #STRANDED_AFTER_SECONDS} s after it was planned, asked of the store once a second at most.
     * Partitions are this consumer's assignment, which stands while the brokers are out of reach (no
     * rebalance can happen then): no other instance sends these identities' work meanwhile. During a
     * rebalance that has not assigned anything (the brokers went away in the middle of it, every
     * member having given its partitions up), they are the ones this instance held before it. And
     * they are the partitions this instance claims in the store ({@link PartitionClaims}): its own
     * claims, renewed with its assignment, and those of an instance that stopped renewing them (it
     * died, or started again without the brokers to give it partitions).
     */
    private Set<String> stranded(@Nullable KafkaConsumer<String, String> c, Instant now) {
        if (strandedLookedAt != null && now.isBefore(strandedLookedAt.plusMillis(STRANDED_EVERY_MILLIS))) {
            return Set.of();
        }
        strandedLookedAt = now;
        int known = topics.partitions(target);
        Set<Integer> held = new HashSet<>(heldBeforeRebalance);
        if (c != null) {
            held.addAll(revocationPartitions(c.assignment()));
        }
        if (claimsLookedAt == null || !now.isBefore(claimsLookedAt.plus(claims.renewEvery()))) {
            claimsLookedAt = now;
            claimed = claims.renew(target, held, known);
        }
        int partitions = known > 0 ? known : claimed.values().stream().findFirst().orElse(0);
        Set<Integer> mine = new HashSet<>(held);
        claimed.forEach((p, count) -> {
            if (count == partitions) {
                mine.add(p);
            }
        });
        sayTakenOver(mine, held);
        if (mine.isEmpty()) {
            return Set.of();
        }
        Set<String> announced = new HashSet<>(); // a revocation whose record is here waits for its retry, not for Kafka
        queued.forEach((tp, q) -> {
            if (revocations(tp)) {
                q.forEach(h -> announced.add(h.identity()));
            }
        });
        Set<String> found = new LinkedHashSet<>();
        for (String identity : outbox.revocationsWaitingSince(target, now.minusSeconds(STRANDED_AFTER_SECONDS), IN_CHUNKS)) {
            if (!announced.contains(identity) && mine.contains(OperationTopics.partitionOf(identity, partitions))) {
                found.add(identity);
            }
        }
        if (!found.isEmpty() && !stranded) {
            log.warn("target {}: {} revocation(s) of this instance's partitions still unsent {} s after they were planned,"
                + " their records not here (the brokers out of reach?): sent from the store", target, found.size(),
                STRANDED_AFTER_SECONDS);
        } else if (found.isEmpty() && stranded) {
            log.info("target {}: no revocation of this instance's partitions waits for its record any more", target);
        }
        stranded = !found.isEmpty();
        return found;
    }

    /**
     * Between the sends of a pass of routine work: takes in, without waiting, what the brokers have
     * for this instance, and says whether the pass should stop, because a revocation arrived (the
     * next pass sends it first) or because partitions changed hands (the rest of the pass may now be
     * another instance's to send). Routine records taken in with it are held for the next pass like
     * any other, and stop being fetched past the same bound.
     */
    boolean revocationArrived() throws InterruptedException {
        KafkaConsumer<String, String> c = consumer;
        if (c == null) {
            return false;
        }
        long before = rebalances;
        int waiting = revocationsHeld();
        flowControl(c); // what it takes in of routine work is held for the next pass, within the same bound
        poll(c, 0);
        return rebalances != before || revocationsHeld() > waiting;
    }

    private int revocationsHeld() {
        int n = 0;
        for (Map.Entry<TopicPartition, ArrayDeque<Held>> e : queued.entrySet()) {
            if (revocations(e.getKey())) {
                n += e.getValue().size();
            }
        }
        return n;
    }

    /** Keeps this instance in the group while its target is down: polls with every partition paused. */
    void keepAlive() throws InterruptedException {
        KafkaConsumer<String, String> c = consumer;
        if (c == null) {
            return;
        }
        Set<TopicPartition> assigned = c.assignment();
        c.pause(assigned);
        try {
            poll(c, 0);
        } finally {
            c.resume(c.assignment());
            paused = false;
        }
    }

    private void poll(KafkaConsumer<String, String> c, long waitMillis) throws InterruptedException {
        try {
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(waitMillis))) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                read.put(tp, r.offset() + 1);
                Long id = parse(r.value());
                if (id == null || r.key() == null) {
                    log.warn("target {}: record {}-{}@{} is not an operation of Roster's; skipped", target, r.topic(),
                        r.partition(), r.offset());
                    continue;
                }
                queued.computeIfAbsent(tp, k -> new ArrayDeque<>()).add(new Held(r.offset(), id, r.key()));
            }
        } catch (InterruptException e) {
            throw new InterruptedException("interrupted while polling Kafka");
        } catch (WakeupException e) {
            // stopping: the lane's loop sees it
        }
    }

    private static @Nullable Long parse(@Nullable String value) {
        if (value == null || value.isEmpty() || value.length() > 19) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The partition numbers among these that are of the target's revocations topic. */
    private Set<Integer> revocationPartitions(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = new HashSet<>();
        partitions.stream().filter(this::revocations).forEach(tp -> numbers.add(tp.partition()));
        return numbers;
    }

    private boolean revocations(TopicPartition tp) {
        return tp.topic().equals(topics.revocations(target));
    }

    /**
     * The chains of the identities this pass may send: every urgent one's, then routine ones' in the
     * order their records arrived, read a chunk at a time until {@code limit} operations are due or
     * every identity was looked at. Up to {@value #MAX_QUEUED} records wait here while at most {@code
     * limit} operations are sent a pass; reading every waiting identity's chain each pass read each
     * operation five to fourteen times before it was sent (docs/benchmarks.md). The identities looked at are
     * the map's keys, an empty chain for one with nothing unfinished.
     */
    private Map<String, List<OutboxEntry>> chainsToSend(Set<String> urgent, Set<String> routine, Instant now, int limit) {
        Map<String, List<OutboxEntry>> chains = unfinished(urgent);
        int budget = limit - due(chains.values(), now);
        List<String> rest = List.copyOf(routine);
        for (int from = 0; from < rest.size() && budget > 0; ) {
            int size = (int) Math.min(IN_CHUNKS, Math.max(1, Math.ceil(budget / dueByIdentity)));
            List<String> chunk = rest.subList(from, Math.min(rest.size(), from + size));
            Map<String, List<OutboxEntry>> read = unfinished(chunk);
            chains.putAll(read);
            int due = due(read.values(), now);
            budget -= due;
            from += chunk.size();
            long owing = read.values().stream().filter(chain -> !chain.isEmpty()).count();
            if (owing > 0) { // those with nothing left were sent last pass: read again to forget their records
                dueByIdentity = Math.max(1, (double) due / owing);
            }
        }
        return chains;
    }

    /** How many of these chains' operations are due now: each chain's up to its first that is not. */
    private static int due(Collection<List<OutboxEntry>> chains, Instant now) {
        int n = 0;
        for (List<OutboxEntry> chain : chains) {
            for (OutboxEntry e : chain) {
                if (!e.dueAt(now)) {
                    break;
                }
                n++;
            }
        }
        return n;
    }

    /** Per identity asked, its unfinished operations on the target, in order (empty when none). */
    private Map<String, List<OutboxEntry>> unfinished(Collection<String> identities) {
        Map<String, List<OutboxEntry>> chains = new LinkedHashMap<>();
        identities.forEach(identity -> chains.put(identity, new ArrayList<>()));
        List<String> all = List.copyOf(identities);
        for (int from = 0; from < all.size(); from += IN_CHUNKS) {
            outbox.pending(target, all.subList(from, Math.min(all.size(), from + IN_CHUNKS))).forEach(e ->
                chains.computeIfAbsent(e.operation().identity(), k -> new ArrayList<>()).add(e));
        }
        return chains;
    }

    /**
     * Drops the records of these partitions whose operations are no longer unfinished, among the
     * identities whose chains were read ({@code lookedAt}); the others' records stay until theirs are.
     */
    private void forgetFinished(Collection<TopicPartition> partitions, Set<String> lookedAt,
                                Map<String, List<OutboxEntry>> chains) {
        Set<Long> owed = new HashSet<>();
        chains.values().forEach(chain -> chain.forEach(e -> owed.add(e.id())));
        for (TopicPartition tp : partitions) {
            ArrayDeque<Held> q = queued.get(tp);
            if (q != null) {
                q.removeIf(h -> lookedAt.contains(h.identity()) && !owed.contains(h.id()));
            }
        }
    }

    /** Commits, per partition, the offset of its first unfinished record, or past the last one read. */
    private void commit(KafkaConsumer<String, String> c, Collection<TopicPartition> partitions, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        partitions.forEach(tp -> {
            Long after = read.get(tp);
            if (after == null) {
                return; // nothing read there yet
            }
            ArrayDeque<Held> q = queued.get(tp);
            long offset = q == null || q.isEmpty() ? after : q.peekFirst().offset();
            Long done = committed.get(tp);
            if (done == null || done != offset) {
                offsets.put(tp, new OffsetAndMetadata(offset));
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        try {
            if (sync) {
                c.commitSync(offsets, Duration.ofSeconds(10));
                offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
            } else {
                c.commitAsync(offsets, (done, e) -> {
                    if (e == null) {
                        done.forEach((tp, o) -> committed.put(tp, o.offset()));
                    } else {
                        log.debug("target {}: offsets not committed ({}); records are read again, nothing sent twice",
                            target, e.getClass().getSimpleName());
                    }
                });
            }
        } catch (KafkaException e) {
            log.info("target {}: offsets not committed ({}); records are read again, nothing sent twice", target,
                e.getClass().getSimpleName());
        }
    }

    /** Stops fetching routine work while too much waits here; revocations are always fetched. */
    private void flowControl(KafkaConsumer<String, String> c) {
        int held = queued.values().stream().mapToInt(ArrayDeque::size).sum();
        if (!paused && held >= MAX_QUEUED) {
            c.pause(c.assignment().stream().filter(tp -> !revocations(tp)).toList());
            paused = true;
        } else if (paused && held < MAX_QUEUED / 2) {
            c.resume(c.assignment());
            paused = false;
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        rebalances++;
        heldBeforeRebalance.addAll(revocationPartitions(partitions));
        // Still in this generation: commit what is finished there, so the next holder reads less again.
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            Set<String> identities = new LinkedHashSet<>();
            partitions.forEach(tp -> queued.getOrDefault(tp, new ArrayDeque<>()).forEach(h -> identities.add(h.identity())));
            forgetFinished(partitions, identities, unfinished(identities));
            commit(c, partitions, true);
        }
        forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        rebalances++;
        heldBeforeRebalance.clear();
        keepClaims(Set.of()); // the group gave them to others already
        forget(partitions); // another instance holds them already: nothing to commit
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        rebalances++;
        heldBeforeRebalance.clear(); // called after every rebalance, with nothing assigned too
        Set<Integer> assigned = revocationPartitions(partitions);
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            assigned.addAll(revocationPartitions(c.assignment()));
        }
        keepClaims(assigned);
        if (paused) {
            if (c != null) {
                c.pause(partitions.stream().filter(tp -> !revocations(tp)).toList());
            }
        }
    }

    /** After a rebalance the brokers' word holds: this instance's other claims go, for their new holders. */
    private void keepClaims(Set<Integer> assigned) {
        claimsLookedAt = null; // the new ones claimed at the next look
        try {
            claims.keepOnly(target, assigned);
        } catch (RuntimeException e) {
            // the store out of reach: the new holders claim their partitions over these at their next look
            log.debug("target {}: claims not let go ({})", target, e.getClass().getSimpleName());
        }
    }

    /** Says once which partitions this instance answers for after another instance stopped renewing its claims. */
    private void sayTakenOver(Set<Integer> mine, Set<Integer> held) {
        Set<Integer> over = new java.util.TreeSet<>(mine);
        over.removeAll(held);
        if (!over.isEmpty() && !over.equals(takenOver)) {
            log.info("target {}: this instance answers for the revocations of partitions {} while no broker gives them"
                + " out (their claims were its own, or not renewed in time by the instance that held them)", target, over);
        }
        takenOver = over;
    }

    private void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> {
            queued.remove(tp);
            read.remove(tp);
            committed.remove(tp);
        });
    }
}
