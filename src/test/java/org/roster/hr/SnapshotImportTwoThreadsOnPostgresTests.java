package org.roster.hr;

import org.roster.support.Databases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same imports with two threads on PostgreSQL, where a batch applied alongside the one before
 * it writes its rows by {@code COPY} while that one commits.
 */
class SnapshotImportTwoThreadsOnPostgresTests extends SnapshotImportTests {

    @DynamicPropertySource
    static void twoThreadsOnPostgres(DynamicPropertyRegistry r) {
        r.add("roster.hr.snapshot-import-threads", () -> "2");
        String store = Databases.freshPostgresUrl();
        r.add("roster.store.url", () -> store);
    }
}
