package org.roster.lifecycle;

import org.roster.support.Databases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The same on PostgreSQL, where a page's identities are locked one index lookup each. */
class EffectiveDatesTogetherOnPostgresTests extends EffectiveDatesTogetherTests {

    @DynamicPropertySource
    static void onPostgres(DynamicPropertyRegistry r) {
        String store = Databases.freshPostgresUrl();
        r.add("roster.store.url", () -> store);
    }
}
