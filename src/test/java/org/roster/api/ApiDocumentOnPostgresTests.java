package org.roster.api;

import org.roster.support.Databases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The same lists on PostgreSQL: each list's read after a key is its own query. */
class ApiDocumentOnPostgresTests extends ApiDocumentTests {

    @DynamicPropertySource
    static void onPostgres(DynamicPropertyRegistry r) {
        String store = Databases.freshPostgresUrl();
        r.add("roster.store.url", () -> store);
    }
}
