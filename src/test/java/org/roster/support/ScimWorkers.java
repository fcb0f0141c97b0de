package org.roster.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.jspecify.annotations.Nullable;

/** Workers pushed over SCIM as an HR system would, for tests that need people with e-mails and managers. */
public final class ScimWorkers {

    private ScimWorkers() {
    }

    /**
     * Pushes an active worker {@code name@example.com} and returns its SCIM id.
     *
     * @param manager the manager's employee number, if any
     */
    public static String hire(Api admin, String employeeNumber, String name, @Nullable String manager) {
        Api.Response r = admin.send("POST", "/scim/v2/Users", "application/scim+json", """
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "userName": "%s", "active": true, "name": {"givenName": "%s", "familyName": "Tester"},
             "emails": [{"value": "%s@example.com", "primary": true}],
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "%s",
               "department": "Ops"%s}}""".formatted(name, name, name, employeeNumber,
            manager == null ? "" : ", \"manager\": {\"value\": \"" + manager + "\"}"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asString();
    }
}
