package org.roster.provisioning.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.roster.provisioning.OutboxEntry;

/**
 * What a target's lane may send in one pass: for each identity, its unfinished operations from the
 * oldest on, in order, as far as they are due (an operation waiting for a retry holds back
 * everything after it for that identity). Identities with a pending revocation come first and
 * apart, so that a leaver never waits behind routine work; the rest are found by reading the
 * target's routine operations in id order, where the first one seen of an identity is its oldest.
 * Neither read joins the outbox with itself, so the database's plan does not depend on statistics.
 *
 * @param revocations sequences of identities with a pending revocation
 * @param routine sequences of the other identities
 * @param nextDue the earliest retry among the identities held back, if any: when to look again
 * @param firstRoutine the id of the first routine operation the read found unfinished (due or not):
 *     where a later read may start ({@link PendingFloor}); {@link Long#MAX_VALUE} when it found none,
 *     -1 when routine operations were not read (revocations filled the pass)
 * @param lastRevocation the highest id among the pending revocations the read saw (sent in this
 *     pass or held back); a revocation with a higher id arrived after it, and the lane's routine
 *     work yields to it ({@link OutboxRepository#revocationDueAfter}). {@link Long#MAX_VALUE} when
 *     the read was not the store's (over Kafka)
 */
record ReadyWork(List<List<OutboxEntry>> revocations, List<List<OutboxEntry>> routine, @Nullable Instant nextDue,
                 long firstRoutine, long lastRevocation) {

    /** How many windows of routine operations a pass reads at most while looking for work that is due. */
    private static final int MAX_WINDOWS = 10;

    boolean isEmpty() {
        return revocations.isEmpty() && routine.isEmpty();
    }

    static ReadyWork select(OutboxRepository outbox, String target, Instant now, int limit) {
        return select(outbox, target, now, limit, 0);
    }

    /**
     * @param start no routine operation of the target with this id or a lower one is unfinished
     *     ({@link PendingFloor}): the read of routine operations starts after it
     */
    static ReadyWork select(OutboxRepository outbox, String target, Instant now, int limit, long start) {
        Set<String> urgent = new LinkedHashSet<>();
        long lastRevocation = 0;
        for (OutboxEntry e : outbox.pendingPriority(target, limit)) {
            urgent.add(e.operation().identity());
            lastRevocation = Math.max(lastRevocation, e.id());
        }
        Map<String, List<OutboxEntry>> byIdentity = new LinkedHashMap<>();
        outbox.pending(target, urgent).forEach(e ->
            byIdentity.computeIfAbsent(e.operation().identity(), k -> new ArrayList<>()).add(e));
        ReadyWork first = of(byIdentity, urgent, Set.of(), now, limit);
        List<List<OutboxEntry>> revocations = first.revocations();
        Instant nextDue = first.nextDue();
        int budget = limit - revocations.stream().mapToInt(List::size).sum();

        Map<String, List<OutboxEntry>> routine = new LinkedHashMap<>();
        Set<String> held = new HashSet<>(urgent);
        // routine work is read only if revocations left room for it (-1: not read; MAX_VALUE: none found yet)
        long firstRoutine = budget > 0 ? Long.MAX_VALUE : -1;
        long after = start;
        scan:
        for (int window = 0; window < MAX_WINDOWS && budget > 0; window++) {
            List<OutboxEntry> page = outbox.pendingRoutine(target, after, limit);
            for (OutboxEntry e : page) {
                if (firstRoutine == Long.MAX_VALUE) {
                    firstRoutine = e.id();
                }
                after = e.id();
                String identity = e.operation().identity();
                if (held.contains(identity)) {
                    continue;
                }
                if (!e.dueAt(now)) {
                    held.add(identity);
                    nextDue = earliest(nextDue, e.nextAttemptAt());
                    continue;
                }
                if (budget == 0) {
                    break scan;
                }
                routine.computeIfAbsent(identity, k -> new ArrayList<>()).add(e);
                budget--;
            }
            if (page.size() < limit) {
                break;
            }
        }
        return new ReadyWork(revocations, List.copyOf(routine.values()), nextDue, firstRoutine, lastRevocation);
    }

    /**
     * What may be sent of these identities' unfinished operations (each chain in order): as far as
     * they are due, the urgent identities first, at most {@code limit} operations.
     */
    static ReadyWork of(Map<String, List<OutboxEntry>> chains, Set<String> urgent, Set<String> routine, Instant now,
                        int limit) {
        Instant nextDue = null;
        int budget = limit;
        List<List<OutboxEntry>> first = new ArrayList<>();
        List<List<OutboxEntry>> rest = new ArrayList<>();
        for (Set<String> identities : List.of(urgent, routine)) {
            for (String identity : identities) {
                List<OutboxEntry> chain = new ArrayList<>();
                for (OutboxEntry e : chains.getOrDefault(identity, List.of())) {
                    if (!e.dueAt(now)) {
                        nextDue = earliest(nextDue, e.nextAttemptAt());
                        break;
                    }
                    if (budget == 0) {
                        break;
                    }
                    chain.add(e);
                    budget--;
                }
                if (!chain.isEmpty()) {
                    (identities == urgent ? first : rest).add(chain);
                }
            }
        }
        return new ReadyWork(first, rest, nextDue, -1, Long.MAX_VALUE);
    }

    private static Instant earliest(@Nullable Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }
}
