package org.roster.provisioning;

import java.util.List;
import java.util.Map;

/**
 * Grants one entitlement to many accounts at once, for targets where that is one request (an LDAP
 * group takes many members in one modify). The dispatcher uses it to coalesce the entitlement
 * additions it has at hand; a target without it gets them one by one.
 */
public interface EntitlementBatchOp extends EntitlementOp {

    /**
     * Adds each identity's account to the entitlement.
     *
     * @return the identities that could not be added, each with why; absent ones were added (or
     *     already had it)
     */
    Map<String, ConnectorException> addEntitlementToAll(String entitlement, List<String> identities);
}
