package org.roster.hr.internal;

/**
 * The employee numbers a snapshot named, kept as 128-bit digests in an open-addressing table whose
 * entries are two neighbouring longs (16 bytes a key, 32 MB for a million): what lets an import tell
 * a repeated row and, at the end, the workers a snapshot left out without writing anything for the
 * rows that did not change. Two different numbers share a digest with a probability of about 10^-27
 * for a million rows. An all-zero entry is free; a key whose digest is all zero is kept as
 * {@code (0, 1)}, one more such chance of 2^-128.
 */
public final class SeenKeys {

    /** Per entry: the digest's high half, then its low half. */
    private long[] entries = new long[2 << 12];
    private int size;

    /** Adds the key; false when it was there already. */
    public boolean add(String key) {
        return add(KeyDigest.of(key));
    }

    public boolean add(KeyDigest key) {
        if ((size + 1) * 4 > entries.length) {
            grow();
        }
        return put(key.high(), key.tableLow());
    }

    public boolean contains(String key) {
        return contains(KeyDigest.of(key));
    }

    public boolean contains(KeyDigest d) {
        int e = entry(entries, d.high(), d.tableLow());
        return entries[e] != 0 || entries[e + 1] != 0;
    }

    public int size() {
        return size;
    }

    private boolean put(long high, long low) {
        int e = entry(entries, high, low);
        if (entries[e] != 0 || entries[e + 1] != 0) {
            return false;
        }
        entries[e] = high;
        entries[e + 1] = low;
        size++;
        return true;
    }

    /**
     * The first index of the entry that holds the key, or of the free one where it would go, in a
     * table of two longs an entry (also {@link ManagerLevels}'s).
     */
    static int entry(long[] entries, long high, long low) {
        int mask = (entries.length >> 1) - 1;
        int i = (int) (high & mask);
        while (true) {
            int e = i << 1;
            if (entries[e] == 0 && entries[e + 1] == 0 || entries[e] == high && entries[e + 1] == low) {
                return e;
            }
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        long[] old = entries;
        entries = new long[old.length * 2];
        size = 0;
        for (int e = 0; e < old.length; e += 2) {
            if (old[e] != 0 || old[e + 1] != 0) {
                put(old[e], old[e + 1]);
            }
        }
    }
}
