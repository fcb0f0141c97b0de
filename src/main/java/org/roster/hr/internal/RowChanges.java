package org.roster.hr.internal;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What an import changed in its source's snapshot rows, once committed: rows stored (new or with a
 * new hash) and rows deleted. Applied at the import's end to the rows it compared with, it gives the
 * rows the store now holds, for the next import to compare with ({@link SnapshotMemory}). Stored
 * rows are kept as four longs each in blocks, 32 bytes a row (32 MB for a first import of a million
 * rows), so that a large import makes no object per row.
 */
public final class RowChanges {

    private static final int BLOCK = 4 * 4096;

    private final List<long[]> stored = new ArrayList<>();
    private final List<KeyDigest> deleted = new ArrayList<>();
    private int storedCount;

    /** A row stored: the worker's key and the row hash written (32 hex digits). */
    public void stored(String employeeNumber, String hash) {
        int at = (storedCount * 4) % BLOCK;
        if (at == 0) {
            stored.add(new long[BLOCK]);
        }
        long[] block = stored.get(stored.size() - 1);
        KeyDigest key = KeyDigest.of(employeeNumber);
        block[at] = key.high();
        block[at + 1] = key.low();
        block[at + 2] = PreviousRows.high(hash);
        block[at + 3] = PreviousRows.low(hash);
        storedCount++;
    }

    /** A row deleted (its worker left the source's snapshots). */
    public void deleted(String employeeNumber) {
        deleted.add(KeyDigest.of(employeeNumber));
    }

    /**
     * The rows after these changes: {@code before} itself, changed in place, or a larger copy once a
     * new row does not fit in it; null when they would be more than {@code maxRows}. Which workers
     * {@code before} had named is forgotten. A row is deleted only by an import that did not store it,
     * so the order between the two does not matter.
     */
    public @Nullable PreviousRows appliedTo(PreviousRows before, int maxRows) {
        PreviousRows rows = before;
        rows.forgetNamed();
        for (int i = 0; i < storedCount; i++) {
            long[] block = stored.get(i * 4 / BLOCK);
            int at = (i * 4) % BLOCK;
            KeyDigest key = new KeyDigest(block[at], block[at + 1]);
            if (!rows.fits(rows.size() + 1L) && rows.hash(key) == null) {
                // a new row with no room: grow once for every stored row still to come (a first import's all)
                long wanted = Math.max(rows.size() * 2L, (long) rows.size() + storedCount - i);
                if (rows.size() >= Math.min(maxRows, PreviousRows.MAX_ROWS)) {
                    return null;
                }
                rows = rows.copyFor((int) Math.min(wanted, PreviousRows.MAX_ROWS));
            }
            rows.put(key, block[at + 2], block[at + 3]);
        }
        deleted.forEach(rows::remove);
        return rows.size() > maxRows ? null : rows;
    }
}
