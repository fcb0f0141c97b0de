package org.roster.hr.internal;

import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The row hashes of a source's last snapshot, read once at the start of an import, so that an
 * unchanged row is recognised in memory instead of by a query per batch. Keys are 128-bit digests
 * of the employee number and values the stored 128-bit row hash, in an open-addressing table whose
 * entries are four neighbouring longs (key, then hash), so that a lookup reads one cache line, not
 * one per field: 32 bytes an entry, plus a flag, about 70 MB for a million rows. Each entry also
 * remembers whether this import named it: a second row for the worker is told in the same lookup
 * that compares the first, and when every stored worker was named the import knows, without reading
 * the store again, that nobody disappeared. An all-zero key marks a free
 * entry; a key whose digest is all zero is kept as {@code (0, 1)} (another 2^-128 chance of two
 * numbers sharing a digest, beside the one {@link SeenKeys} accepts).
 *
 * <p>What an import stored ({@link RowChanges}) is applied to the table it compared with, so that the
 * next import of the source can compare with it too without reading the store ({@link SnapshotMemory}).
 */
public final class PreviousRows {

    /** Above this many stored rows the import asks the store batch by batch instead (bounded heap). */
    public static final int MAX_ROWS = 2_000_000;

    /** Per entry: key high, key low, hash high, hash low. */
    private final long[] entries;
    private final boolean[] named;
    private final int mask;
    private int size;
    private int namedCount;

    /** A table for at most {@code capacity} rows; it does not grow. */
    public PreviousRows(int capacity) {
        if (capacity < 0 || capacity > MAX_ROWS) {
            throw new IllegalArgumentException("capacity " + capacity + " is outside 0.." + MAX_ROWS);
        }
        int slots = Integer.highestOneBit(Math.max(16, capacity) * 2) * 2; // load factor at most a half
        entries = new long[slots * 4];
        named = new boolean[slots];
        mask = slots - 1;
    }

    /** Records a stored row; {@code hash} is the 32 hex digits the import stores. */
    public void put(String employeeNumber, String hash) {
        put(KeyDigest.of(employeeNumber), high(hash), low(hash));
    }

    /** Records a stored row by its key's digest and its hash's halves ({@link #high}, {@link #low}). */
    void put(KeyDigest key, long hashHigh, long hashLow) {
        long low = key.tableLow();
        int e = entry(key.high(), low);
        if (free(e)) {
            if ((size + 1) * 2 > named.length) {
                throw new IllegalStateException("more rows than the table was made for: " + named.length / 2);
            }
            entries[e] = key.high();
            entries[e + 1] = low;
            size++;
        }
        entries[e + 2] = hashHigh;
        entries[e + 3] = hashLow;
    }

    /**
     * Forgets a stored row (its worker was deleted from the snapshot rows). The entries after it in
     * its run move back into the gap, so that every lookup still finds its key without tombstones.
     */
    void remove(KeyDigest key) {
        int e = entry(key.high(), key.tableLow());
        if (free(e)) {
            return;
        }
        if (named[e >> 2]) {
            namedCount--;
        }
        size--;
        int gap = e >> 2;
        int i = gap;
        while (true) {
            i = (i + 1) & mask;
            int at = i << 2;
            if (free(at)) {
                break;
            }
            int home = (int) (entries[at] & mask);
            // the entry at i may fill the gap unless its home lies cyclically in (gap, i]
            boolean stays = gap <= i ? gap < home && home <= i : gap < home || home <= i;
            if (!stays) {
                System.arraycopy(entries, at, entries, gap << 2, 4);
                named[gap] = named[i];
                gap = i;
            }
        }
        java.util.Arrays.fill(entries, gap << 2, (gap << 2) + 4, 0L);
        named[gap] = false;
    }

    /** Forgets which workers were named, so that the next import starts with every stored worker unnamed. */
    void forgetNamed() {
        java.util.Arrays.fill(named, false);
        namedCount = 0;
    }

    /** Whether {@code rows} rows in all fit in this table. */
    boolean fits(long rows) {
        return rows * 2 <= named.length;
    }

    /** A table for at least {@code capacity} rows with this one's rows (none of them named). */
    PreviousRows copyFor(int capacity) {
        PreviousRows copy = new PreviousRows(Math.max(capacity, size));
        for (int e = 0; e < entries.length; e += 4) {
            if (!free(e)) {
                copy.put(new KeyDigest(entries[e], entries[e + 1]), entries[e + 2], entries[e + 3]);
            }
        }
        return copy;
    }

    /** The first half of a stored row hash (32 hex digits), as the table keeps it. */
    public static long high(String hash) {
        if (hash.length() != 32) {
            throw new IllegalArgumentException("a row hash has 32 hex digits, not " + hash.length());
        }
        return HexFormat.fromHexDigitsToLong(hash, 0, 16);
    }

    /** The second half of a stored row hash. */
    public static long low(String hash) {
        if (hash.length() != 32) {
            throw new IllegalArgumentException("a row hash has 32 hex digits, not " + hash.length());
        }
        return HexFormat.fromHexDigitsToLong(hash, 16, 32);
    }

    /** The stored hash of the worker's row, or null when the last snapshot did not have it. */
    public @Nullable String hash(KeyDigest employeeNumber) {
        int e = entry(employeeNumber.high(), employeeNumber.tableLow());
        if (free(e)) {
            return null;
        }
        return HexFormat.of().toHexDigits(entries[e + 2]) + HexFormat.of().toHexDigits(entries[e + 3]);
    }

    /** What a row of the import is to the last snapshot ({@link #see}). */
    public enum Seen {
        /** the last snapshot did not have the worker */
        NEW,
        /** it had the worker's row with the same hash, and no earlier row of this import named the worker */
        SAME,
        /** it had the worker's row with another hash, and no earlier row of this import named the worker */
        CHANGED,
        /** it had the worker, and an earlier row of this import named the worker already */
        REPEATED
    }

    /**
     * What the row is to the last snapshot, in one lookup, given its hash's halves ({@link #high},
     * {@link #low}); the worker is marked named. A new worker is not: keeping the key set of those is
     * the caller's ({@link SeenKeys}).
     */
    public Seen see(KeyDigest employeeNumber, long hashHigh, long hashLow) {
        int e = entry(employeeNumber.high(), employeeNumber.tableLow());
        if (free(e)) {
            return Seen.NEW;
        }
        if (named[e >> 2]) {
            return Seen.REPEATED;
        }
        named[e >> 2] = true;
        namedCount++;
        return entries[e + 2] == hashHigh && entries[e + 3] == hashLow ? Seen.SAME : Seen.CHANGED;
    }

    /** Whether the worker is one the last snapshot had and this import named. */
    public boolean wasNamed(KeyDigest employeeNumber) {
        int e = entry(employeeNumber.high(), employeeNumber.tableLow());
        return !free(e) && named[e >> 2];
    }

    public int size() {
        return size;
    }

    /** How many stored workers this import has not named (yet). */
    public int unnamed() {
        return size - namedCount;
    }

    private boolean free(int entry) {
        return entries[entry] == 0 && entries[entry + 1] == 0;
    }

    /** The first index of the entry that holds the key, or of the free one where it would go. */
    private int entry(long high, long low) {
        int i = (int) (high & mask);
        while (true) {
            int e = i << 2;
            if (free(e) || entries[e] == high && entries[e + 1] == low) {
                return e;
            }
            i = (i + 1) & mask;
        }
    }
}
