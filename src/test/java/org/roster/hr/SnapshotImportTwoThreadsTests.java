package org.roster.hr;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same imports with {@code roster.hr.snapshot-import-threads: 2}: a batch of new workers is
 * applied while the one before it commits, where neither names a worker the other brings. Every
 * import ends as with one thread.
 */
class SnapshotImportTwoThreadsTests extends SnapshotImportTests {

    @DynamicPropertySource
    static void twoThreads(DynamicPropertyRegistry r) {
        r.add("roster.hr.snapshot-import-threads", () -> "2");
        r.add("roster.store.url", () -> "jdbc:h2:mem:snapshots-two-threads;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
            + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
    }
}
