package org.roster.hr;

import org.roster.support.Databases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same imports on PostgreSQL, where a batch's new rows go by {@code COPY} and its changed rows
 * by one {@code UPDATE} per table ({@code BulkUpdate}), and a batch's identities are locked one
 * index lookup each.
 */
class SnapshotImportOnPostgresTests extends SnapshotImportTests {

    @DynamicPropertySource
    static void onPostgres(DynamicPropertyRegistry r) {
        String store = Databases.freshPostgresUrl();
        r.add("roster.store.url", () -> store);
    }
}
