package org.roster.hr.internal;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The row hashes of a source's last snapshot, read once at the start of an import, so that an
 * unchanged row is recognised in memory instead of by a query per batch. Keys are 128-bit digests
 * of the employee number and values the stored 128-bit row hash, in an open-addressing table: 32
 * bytes an entry, about 70 MB for a million rows. Each entry also remembers whether this import
 * named it, so that when every stored worker was named the import knows, without reading the
 * store again, that nobody disappeared.
 */
public final class PreviousRows {

    /** Above this many stored rows the import asks the store batch by batch instead (bounded heap). */
    public static final int MAX_ROWS = 2_000_000;

    private final long[] keyHigh;
    private final long[] keyLow;
    private final long[] hashHigh;
    private final long[] hashLow;
    private final boolean[] used;
    private final boolean[] named;
    private int size;
    private int namedCount;

    /** A table for at most {@code capacity} rows; it does not grow. */
    public PreviousRows(int capacity) {
        if (capacity < 0 || capacity > MAX_ROWS) {
            throw new IllegalArgumentException("capacity " + capacity + " is outside 0.." + MAX_ROWS);
        }
        int slots = Integer.highestOneBit(Math.max(16, capacity) * 2) * 2; // load factor at most a half
        keyHigh = new long[slots];
        keyLow = new long[slots];
        hashHigh = new long[slots];
        hashLow = new long[slots];
        used = new boolean[slots];
        named = new boolean[slots];
    }

    /** Records a stored row; {@code hash} is the 32 hex digits the import stores. */
    public void put(String employeeNumber, String hash) {
        if ((size + 1) * 2 > used.length) {
            throw new IllegalStateException("more rows than the table was made for: " + used.length / 2);
        }
        byte[] h = HexFormat.of().parseHex(hash);
        if (h.length != 16) {
            throw new IllegalArgumentException("a row hash has 32 hex digits, not " + hash.length());
        }
        ByteBuffer value = ByteBuffer.wrap(h);
        KeyDigest key = KeyDigest.of(employeeNumber);
        int i = slot(key);
        if (!used[i]) {
            used[i] = true;
            keyHigh[i] = key.high();
            keyLow[i] = key.low();
            size++;
        }
        hashHigh[i] = value.getLong();
        hashLow[i] = value.getLong();
    }

    /** The stored hash of the worker's row, or null when the last snapshot did not have it. */
    public @Nullable String hash(KeyDigest employeeNumber) {
        int i = slot(employeeNumber);
        if (!used[i]) {
            return null;
        }
        return HexFormat.of().formatHex(ByteBuffer.allocate(16).putLong(hashHigh[i]).putLong(hashLow[i]).array());
    }

    /** Whether the stored row has this hash, without formatting it. */
    public boolean same(KeyDigest employeeNumber, String hash) {
        int i = slot(employeeNumber);
        if (!used[i] || hash.length() != 32) {
            return false;
        }
        return hashHigh[i] == HexFormat.fromHexDigitsToLong(hash, 0, 16)
            && hashLow[i] == HexFormat.fromHexDigitsToLong(hash, 16, 32);
    }

    /** Marks the worker as named by this import (nothing happens for a worker the last snapshot did not have). */
    public void named(KeyDigest employeeNumber) {
        int i = slot(employeeNumber);
        if (used[i] && !named[i]) {
            named[i] = true;
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

    /** The slot that holds the key, or the free one where it would go. */
    private int slot(KeyDigest key) {
        int mask = used.length - 1;
        int i = (int) (key.high() & mask);
        while (used[i] && (keyHigh[i] != key.high() || keyLow[i] != key.low())) {
            i = (i + 1) & mask;
        }
        return i;
    }
}
