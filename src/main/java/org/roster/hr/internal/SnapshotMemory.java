package org.roster.hr.internal;

import java.lang.ref.SoftReference;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The snapshot rows each source's last import left, kept in memory after it ends so that the next
 * import of the source compares with them instead of reading them all from the store again (at a
 * million rows, a second or two of a daily delta's ten). What is kept is exactly what the store
 * holds: the rows the import compared with, with what it committed applied ({@link RowChanges}).
 * The next import uses them only if no other import of the source started since (on this instance
 * or another) and the store holds as many rows; it takes them for its run, so a failed import
 * leaves nothing behind and the import after it reads the store. Held by a soft reference: under
 * memory pressure the collector drops them first, and the next import reads the store.
 */
@Component
public final class SnapshotMemory {

    private record Kept(String snapshotId, SoftReference<PreviousRows> rows) {
    }

    private final ConcurrentHashMap<String, Kept> kept = new ConcurrentHashMap<>();

    /**
     * The rows kept after snapshot {@code lastSnapshotId} of the source, if those are what was kept
     * and the store still holds {@code storedRows} of them; no longer kept either way.
     */
    public Optional<PreviousRows> take(String source, String lastSnapshotId, long storedRows) {
        Kept k = kept.remove(source);
        if (k == null || !k.snapshotId().equals(lastSnapshotId)) {
            return Optional.empty();
        }
        PreviousRows rows = k.rows().get();
        return rows != null && rows.size() == storedRows ? Optional.of(rows) : Optional.empty();
    }

    /** Keeps the rows the store holds for the source once snapshot {@code snapshotId} was imported. */
    public void keep(String source, String snapshotId, PreviousRows rows) {
        kept.put(source, new Kept(snapshotId, new SoftReference<>(rows)));
    }

    /** Whether rows are kept for the source (for tests and diagnostics). */
    public boolean keeps(String source) {
        Kept k = kept.get(source);
        return k != null && k.rows().get() != null;
    }
}
