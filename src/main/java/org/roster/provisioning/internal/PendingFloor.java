package org.roster.provisioning.internal;

/**
 * Where a lane's read of its target's routine operations may start, on PostgreSQL: an id below which
 * no routine operation of the target is, or can become, unfinished. The cluster's relay relies on
 * the same order of transaction ids and operation ids for its gaps ({@link OperationRelay}).
 *
 * <p>Why: the lane reads unfinished operations in id order through the partial index of pending
 * ones. An operation marked done leaves a dead entry in that index until vacuum removes it, and
 * during a large import vacuum falls far behind: a read that started from the beginning stepped over
 * millions of them, 11.5 ms a read at a million workers and a quarter of PostgreSQL's time
 * (docs/benchmarks.md). Starting after the first unfinished operation the last read found is not
 * safe by itself: a transaction still running during that read may have drawn a lower id, and when
 * it commits its operation would be skipped, and its identity's later operations sent before it.
 *
 * <p>So the lowest id a read found becomes the floor only once every transaction that could hold a
 * lower one has ended:
 * <ol>
 *   <li>Every transaction that writes operations has its transaction id before it draws their ids
 *   ({@link OutboxRepository#insert}); ids come from a sequence without a cache, so they increase
 *   in the order they are drawn; and a finished operation never becomes unfinished again.</li>
 *   <li>After read k (which found its first unfinished operation at id {@code c}), the lane notes
 *   the next transaction id not yet given out, {@code xmax}. A transaction holding an id drawn before
 *   read k had its transaction id before read k: below {@code xmax}. One that got its transaction
 *   id later draws ids above {@code c}.</li>
 *   <li>At a later read j, if the oldest transaction still running before it (the {@code xmin} noted
 *   after read j-1) is at or above {@code xmax}, everything that could hold an id below {@code c} has
 *   committed or rolled back, and read j (from the old floor) saw what it committed. The lowest
 *   unfinished operation is then at the lower of {@code c} and read j's first: the new floor.</li>
 * </ol>
 * A routine operation waiting for a retry keeps the floor at or below it. H2 needs none of this (its
 * index of pending work drops a finished operation's entry at once); there the read starts from the
 * beginning. Not thread-safe: one lane's loop uses it.
 */
final class PendingFloor {

    /** No routine operation of the target with a lower id is, or can become, unfinished. */
    private long floor;
    /** The first unfinished operation a read found, waiting for the transactions that could precede it; -1 when none. */
    private long candidate = -1;
    /** The first transaction id not given out when the candidate's read ended. */
    private long candidateXmax;
    /** The oldest transaction still running after the last read; -1 before the first. */
    private long lastXmin = -1;

    /** The id a read of routine operations starts after. */
    long start() {
        return Math.max(0, floor - 1);
    }

    /**
     * Takes in a read that started at {@link #start()}, with the store's snapshot read right after it;
     * nothing on a store without one (H2), where reads start from the beginning.
     *
     * @param first {@link ReadyWork#firstRoutine()} of the read
     */
    void read(long first, OutboxRepository outbox) {
        long[] bounds = outbox.snapshotBounds();
        if (bounds != null) {
            read(first, bounds[0], bounds[1]);
        }
    }

    /**
     * Takes in a read that started at {@link #start()} and the store's snapshot right after it.
     *
     * @param first {@link ReadyWork#firstRoutine()} of the read
     * @param xmin the oldest transaction id still running after the read
     * @param xmax the first transaction id not given out after the read
     */
    void read(long first, long xmin, long xmax) {
        if (first < 0) {
            lastXmin = xmin; // routine work was not read: nothing learnt about it
            return;
        }
        if (candidate >= 0 && lastXmin >= candidateXmax) {
            floor = Math.max(floor, Math.min(candidate, first));
            candidate = -1;
        }
        if (candidate < 0 && first != Long.MAX_VALUE) {
            candidate = first;
            candidateXmax = xmax;
        }
        lastXmin = xmin;
    }

    /** For tests and diagnostics: the floor's id. */
    long floor() {
        return floor;
    }
}
