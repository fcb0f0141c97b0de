package org.roster.hr.internal;

/**
 * The employee numbers a snapshot named, kept as 128-bit digests in an open-addressing table (16
 * bytes a key, 32 MB for a million): what lets an import tell a repeated row and, at the end, the
 * workers a snapshot left out without writing anything for the rows that did not change. Two
 * different numbers share a digest with a probability of about 10^-27 for a million rows.
 */
public final class SeenKeys {

    private long[] high;
    private long[] low;
    private boolean[] used;
    private int size;

    public SeenKeys() {
        high = new long[1 << 12];
        low = new long[1 << 12];
        used = new boolean[1 << 12];
    }

    /** Adds the key; false when it was there already. */
    public boolean add(String key) {
        return add(KeyDigest.of(key));
    }

    public boolean add(KeyDigest key) {
        if ((size + 1) * 2 > used.length) {
            grow();
        }
        return put(key.high(), key.low());
    }

    public boolean contains(String key) {
        KeyDigest d = KeyDigest.of(key);
        long h = d.high();
        long l = d.low();
        int mask = used.length - 1;
        for (int i = (int) (h & mask); used[i]; i = (i + 1) & mask) {
            if (high[i] == h && low[i] == l) {
                return true;
            }
        }
        return false;
    }

    public int size() {
        return size;
    }

    private boolean put(long h, long l) {
        int mask = used.length - 1;
        int i = (int) (h & mask);
        while (used[i]) {
            if (high[i] == h && low[i] == l) {
                return false;
            }
            i = (i + 1) & mask;
        }
        used[i] = true;
        high[i] = h;
        low[i] = l;
        size++;
        return true;
    }

    private void grow() {
        long[] oldHigh = high;
        long[] oldLow = low;
        boolean[] oldUsed = used;
        high = new long[oldUsed.length * 2];
        low = new long[oldUsed.length * 2];
        used = new boolean[oldUsed.length * 2];
        size = 0;
        for (int i = 0; i < oldUsed.length; i++) {
            if (oldUsed[i]) {
                put(oldHigh[i], oldLow[i]);
            }
        }
    }
}
