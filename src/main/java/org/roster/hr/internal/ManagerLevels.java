package org.roster.hr.internal;

/**
 * Where each worker of a snapshot stands in the manager tree the snapshot itself draws: level 0 for
 * a worker whose manager is not among its rows (or who has none), one more than their manager's
 * for the others. An import applies its rows level by level, so that a new worker's manager is
 * stored before them and no reference is kept pending for a manager who arrives later in the same
 * file (in a first load with employee numbers unrelated to the tree, half its workers).
 *
 * <p>Held as 128-bit digests ({@link KeyDigest}) in an open-addressing table: per entry two longs,
 * the entry of its manager, a state and its level, 22 bytes, the table at most two-thirds full: 46 MB
 * for a million rows, while the reader sorts them, and up to a bound the caller sets. A worker's
 * level is at most {@link #DEEPEST}: a chain longer than that, or a cycle, is refused by the import
 * anyway, and its rows are applied last, as they come.
 *
 * <p>Not thread-safe: one import's reader adds, then ranks.
 */
public final class ManagerLevels {

    /**
     * The most workers and managers an import's table holds (92 MB): a larger file is applied in
     * employee-number order.
     */
    public static final int MAX_ENTRIES = 2_000_000;

    /** The deepest level kept apart: past it, or in a cycle, a worker ranks here. */
    public static final int DEEPEST = 51;

    private static final int FREE = -1;
    private static final byte NOT_IN_FILE = 0;
    private static final byte IN_FILE = 1;
    /** In the file, and naming a manager whose employee number sorts after its own. */
    private static final byte AHEAD = 2;

    private final int maxEntries;
    private long[] keys = new long[2 << 12];
    private int[] manager = new int[1 << 12];
    private byte[] state = new byte[1 << 12];
    /** A level plus one; 0 while not worked out. */
    private byte[] level = new byte[1 << 12];
    private int size;
    private boolean sealed;
    /** The entries a {@link #workOut} walk passed, reused from one walk to the next. */
    private final int[] path = new int[DEEPEST + 1];

    /**
     * @param maxEntries the most workers and managers the table holds: an import past it drops the
     *     table and applies its rows in employee-number order
     */
    public ManagerLevels(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /**
     * Adds a row's worker and the manager it names; false, adding nothing, once the table holds
     * {@code maxEntries}. A worker added twice keeps the first row's manager, as the import applies
     * the first row and holds the others.
     */
    public boolean add(KeyDigest worker, String employeeNumber,
                       @org.jspecify.annotations.Nullable String managerEmployeeNumber) {
        if (sealed) {
            throw new IllegalStateException("the levels were read: no more rows can be added");
        }
        if (size + 2 > maxEntries) {
            return false;
        }
        int w = slot(worker);
        if (state[w] != NOT_IN_FILE) {
            return true; // a later row of the same worker: held by the import
        }
        state[w] = IN_FILE;
        if (managerEmployeeNumber != null && !managerEmployeeNumber.equals(employeeNumber)) {
            int m = slot(KeyDigest.of(managerEmployeeNumber));
            w = find(worker); // the table may have grown
            manager[w] = m;
            if (managerEmployeeNumber.compareTo(employeeNumber) > 0) {
                state[w] = AHEAD;
            }
        }
        return true;
    }

    /**
     * Whether an order by employee number would bring some worker before the manager the file gives
     * them: only then is ranking by level worth sorting the rows again.
     */
    public boolean reorders() {
        for (int i = 0; i < state.length; i++) {
            if (state[i] == AHEAD && state[manager[i]] != NOT_IN_FILE) {
                return true;
            }
        }
        return false;
    }

    /** The worker's level in the file's tree, 0 to {@link #DEEPEST}; {@link #DEEPEST} for one not added. */
    public int level(KeyDigest worker) {
        sealed = true;
        int w = find(worker);
        if (w < 0 || state[w] == NOT_IN_FILE) {
            return DEEPEST;
        }
        if (level[w] == 0) {
            workOut(w);
        }
        return level[w] - 1;
    }

    /**
     * Walks up from the worker to a level known or the top, and sets the levels on the way back. A
     * walk longer than {@link #DEEPEST} steps (too deep, or a cycle) sets only the worker's own:
     * those it passed may be shallower, and are worked out by their own walks.
     */
    private void workOut(int from) {
        int n = 0;
        int at = from;
        int base;
        while (true) {
            if (state[at] == NOT_IN_FILE) {
                base = -1; // a manager not in the file: the worker below is at level 0
                break;
            }
            if (level[at] != 0) {
                base = level[at] - 1;
                break;
            }
            if (n == path.length) {
                level[from] = DEEPEST + 1;
                return;
            }
            path[n++] = at;
            if (manager[at] == FREE) {
                base = -1;
                break;
            }
            at = manager[at];
        }
        for (int i = n - 1; i >= 0; i--) {
            base = Math.min(DEEPEST, base + 1);
            level[path[i]] = (byte) (base + 1);
        }
    }

    /** The entry holding the key, added (not in the file) when missing. */
    private int slot(KeyDigest key) {
        if ((size + 1) * 3 > manager.length * 2) {
            grow();
        }
        int e = probe(keys, key.high(), key.tableLow());
        if (keys[2 * e] == 0 && keys[2 * e + 1] == 0) {
            keys[2 * e] = key.high();
            keys[2 * e + 1] = key.tableLow();
            manager[e] = FREE;
            size++;
        }
        return e;
    }

    private int find(KeyDigest key) {
        int e = probe(keys, key.high(), key.tableLow());
        return keys[2 * e] == 0 && keys[2 * e + 1] == 0 ? -1 : e;
    }

    /** The entry number that holds the key, or of the free one where it would go. */
    private static int probe(long[] keys, long high, long low) {
        return SeenKeys.entry(keys, high, low) >> 1;
    }

    /** Doubles the table; the manager links, which are entry numbers, are carried over. */
    private void grow() {
        long[] oldKeys = keys;
        int[] oldManager = manager;
        byte[] oldState = state;
        byte[] oldLevel = level;
        int capacity = oldManager.length * 2;
        keys = new long[2 * capacity];
        manager = new int[capacity];
        state = new byte[capacity];
        level = new byte[capacity];
        int[] moved = new int[oldManager.length];
        for (int i = 0; i < oldManager.length; i++) {
            if (oldKeys[2 * i] != 0 || oldKeys[2 * i + 1] != 0) {
                int e = probe(keys, oldKeys[2 * i], oldKeys[2 * i + 1]);
                keys[2 * e] = oldKeys[2 * i];
                keys[2 * e + 1] = oldKeys[2 * i + 1];
                state[e] = oldState[i];
                level[e] = oldLevel[i];
                moved[i] = e;
            }
        }
        for (int i = 0; i < oldManager.length; i++) {
            if (oldKeys[2 * i] != 0 || oldKeys[2 * i + 1] != 0) {
                manager[moved[i]] = oldManager[i] == FREE ? FREE : moved[oldManager[i]];
            }
        }
    }
}
