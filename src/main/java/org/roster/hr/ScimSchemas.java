package org.roster.hr;

import java.util.List;

/** The SCIM schema URNs Roster's HR service reads and writes. */
public final class ScimSchemas {

    public static final String USER = "urn:ietf:params:scim:schemas:core:2.0:User";
    public static final String ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    /** Roster's extension for the HR fields SCIM lacks: worker type, employment status, start and end dates. */
    public static final String WORKER = "urn:roster:params:scim:schemas:extension:worker:2.0:User";

    public static final List<String> USER_SCHEMAS = List.of(USER, ENTERPRISE_USER, WORKER);

    private ScimSchemas() {
    }
}
