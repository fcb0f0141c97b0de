package org.roster.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.jspecify.annotations.Nullable;

/** Workers pushed over SCIM as an HR system would, for tests that need people with e-mails and managers. */
public final class ScimWorkers {

    /** The SCIM PATCH an HR system sends to terminate a worker: {@code active} set to false. */
    public static final String TERMINATE = """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
         "Operations": [{"op": "replace", "path": "active", "value": false}]}""";

    private ScimWorkers() {
    }

    /**
     * Pushes an active worker {@code name@example.com} and returns its SCIM id.
     *
     * @param manager the manager's employee number, if any
     */
    public static String hire(Api admin, String employeeNumber, String name, @Nullable String manager) {
        return hire(admin, employeeNumber, name, manager, "Ops", null);
    }

    /** Pushes an active worker of a department, with a title if given, and returns its SCIM id. */
    public static String hire(Api admin, String employeeNumber, String name, @Nullable String manager, String department,
                              @Nullable String title) {
        Api.Response r = admin.send("POST", "/scim/v2/Users", "application/scim+json", """
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "userName": "%s", "active": true, "name": {"givenName": "%s", "familyName": "Tester"},
             "emails": [{"value": "%s@example.com", "primary": true}]%s,
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "%s",
               "department": "%s"%s}}""".formatted(name, name, name, title == null ? "" : ", \"title\": \"" + title + "\"",
            employeeNumber, department, manager == null ? "" : ", \"manager\": {\"value\": \"" + manager + "\"}"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asString();
    }

    /** A SCIM user for an employee number: userName and e-mail from it, active, in a department. */
    public static String user(String employeeNumber, String department) {
        return """
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "userName": "%1$s", "name": {"givenName": "Given", "familyName": "%2$s"},
             "emails": [{"value": "%1$s@example.com", "type": "work", "primary": true}], "active": true,
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "%2$s", "department": "%3$s"}}
            """.formatted(employeeNumber.toLowerCase(java.util.Locale.ROOT), employeeNumber, department);
    }

    /** Moves a worker to another department and manager, as HR would with a SCIM PATCH. */
    public static void move(Api admin, String scimId, String department, String manager) {
        Api.Response r = admin.send("PATCH", "/scim/v2/Users/" + scimId, "application/scim+json", """
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
              {"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
               "value": "%s"},
              {"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
               "value": {"value": "%s"}}]}""".formatted(department, manager));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
}
