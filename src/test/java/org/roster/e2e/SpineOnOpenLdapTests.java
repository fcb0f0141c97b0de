package org.roster.e2e;

import org.roster.support.Databases;
import org.roster.support.Slapd;
import org.roster.support.TestDirectory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The spine against a real OpenLDAP slapd, on a real PostgreSQL store: the production shape. */
class SpineOnOpenLdapTests extends SpineEndToEndTests {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        register(r, Slapd.shared(), Databases.freshPostgresUrl(), "postgres");
    }

    @Override
    TestDirectory directory() {
        return Slapd.shared();
    }
}
