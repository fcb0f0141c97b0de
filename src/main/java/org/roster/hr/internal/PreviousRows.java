package org.roster.hr.internal;

import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The row hashes of a source's last snapshot, read once at the start of an import, so that an
 * unchanged row is recognised in memory instead of by a query per batch. Keys are 128-bit digests
 * of the employee number and values the stored 128-bit row hash, in an open-addressing table whose
 * entries are four neighbouring longs (key, then hash), so that a lookup reads one cache line, not
 * one per field: 32 bytes an entry, plus a flag, about 70 MB for a million rows. Each entry also
 * remembers whether this import named it, so that when every stored worker was named the import
 * knows, without reading the store again, that nobody disappeared. An all-zero key marks a free
 * entry; a key whose digest is all zero is kept as {@code (0, 1)} (another 2^-128 chance of two
 * numbers sharing a digest, beside the one {@link SeenKeys} accepts).
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
        if ((size + 1) * 2 > named.length) {
            throw new IllegalStateException("more rows than the table was made for: " + named.length / 2);
        }
        if (hash.length() != 32) {
            throw new IllegalArgumentException("a row hash has 32 hex digits, not " + hash.length());
        }
        long hashHigh = HexFormat.fromHexDigitsToLong(hash, 0, 16);
        long hashLow = HexFormat.fromHexDigitsToLong(hash, 16, 32);
        KeyDigest key = KeyDigest.of(employeeNumber);
        long low = key.tableLow();
        int e = entry(key.high(), low);
        if (free(e)) {
            entries[e] = key.high();
            entries[e + 1] = low;
            size++;
        }
        entries[e + 2] = hashHigh;
        entries[e + 3] = hashLow;
    }

    /** The stored hash of the worker's row, or null when the last snapshot did not have it. */
    public @Nullable String hash(KeyDigest employeeNumber) {
        int e = entry(employeeNumber.high(), employeeNumber.tableLow());
        if (free(e)) {
            return null;
        }
        return HexFormat.of().toHexDigits(entries[e + 2]) + HexFormat.of().toHexDigits(entries[e + 3]);
    }

    /** Whether the stored row has this hash, without formatting it. */
    public boolean same(KeyDigest employeeNumber, String hash) {
        int e = entry(employeeNumber.high(), employeeNumber.tableLow());
        if (free(e) || hash.length() != 32) {
            return false;
        }
        return entries[e + 2] == HexFormat.fromHexDigitsToLong(hash, 0, 16)
            && entries[e + 3] == HexFormat.fromHexDigitsToLong(hash, 16, 32);
    }

    /** Marks the worker as named by this import (nothing happens for a worker the last snapshot did not have). */
    public void named(KeyDigest employeeNumber) {
        int e = entry(employeeNumber.high(), employeeNumber.tableLow());
        if (!free(e) && !named[e >> 2]) {
            named[e >> 2] = true;
            namedCount++;
        }
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
