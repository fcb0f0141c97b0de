package org.roster.hr;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same imports with the previous snapshot compared against the store batch by batch, as for a
 * source larger than {@code roster.hr.snapshot-memory-rows}, instead of read into memory first.
 */
class SnapshotImportFromTheStoreTests extends SnapshotImportTests {

    @DynamicPropertySource
    static void fromTheStore(DynamicPropertyRegistry r) {
        r.add("roster.hr.snapshot-memory-rows", () -> "0");
        r.add("roster.store.url", () -> "jdbc:h2:mem:snapshots-from-store;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
            + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
    }
}
