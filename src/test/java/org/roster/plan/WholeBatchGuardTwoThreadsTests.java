package org.roster.plan;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same batches with {@code roster.hr.snapshot-import-threads: 2}: a snapshot's batches are
 * applied on the import's own threads, which join the file's batch, so that the guard still judges
 * the file whole.
 */
class WholeBatchGuardTwoThreadsTests extends WholeBatchGuardTests {

    @DynamicPropertySource
    static void twoThreads(DynamicPropertyRegistry r) {
        r.add("roster.hr.snapshot-import-threads", () -> "2");
        r.add("roster.store.url", () -> "jdbc:h2:mem:whole-batch-two-threads;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
            + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
    }
}
