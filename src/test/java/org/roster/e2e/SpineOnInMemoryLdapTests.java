package org.roster.e2e;

import org.roster.support.InMemoryDirectory;
import org.roster.support.TestDirectory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The spine against UnboundID's in-memory LDAP server, on the embedded H2 store. */
class SpineOnInMemoryLdapTests extends SpineEndToEndTests {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        register(r, InMemoryDirectory.shared(),
            "jdbc:h2:mem:spine-inmemory;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa");
    }

    @Override
    TestDirectory directory() {
        return InMemoryDirectory.shared();
    }
}
