package org.roster.provisioning;

import java.util.List;
import java.util.Map;

/**
 * Grants one entitlement to many accounts at once, or takes it from many, for targets where that is
 * one request (an LDAP group takes or loses many members in one modify, a SCIM group in one PATCH).
 * The dispatcher uses it to coalesce the additions and removals of one entitlement it has at hand; a
 * target without it gets them one by one.
 */
public interface EntitlementBatchOp extends EntitlementOp {

    /**
     * Adds each identity's account to the entitlement.
     *
     * One by one unless the target overrides it.
     *
     * @return the identities that could not be added, each with why; absent ones were added (or
     *     already had it)
     */
    default Map<String, ConnectorException> addEntitlementToAll(String entitlement, List<String> identities) {
        return eachOf(identities, identity -> addEntitlement(identity, entitlement));
    }

    /**
     * Takes the entitlement from each identity's account; an identity with no account, or whose
     * account does not have it, is done. One by one unless the target overrides it.
     *
     * @return the identities whose removal failed, each with why; absent ones no longer have it
     */
    default Map<String, ConnectorException> removeEntitlementFromAll(String entitlement, List<String> identities) {
        return eachOf(identities, identity -> removeEntitlement(identity, entitlement));
    }

    /** {@code change} for each identity in turn; the failures, by identity. */
    private static Map<String, ConnectorException> eachOf(List<String> identities, Change change) {
        Map<String, ConnectorException> failed = new java.util.LinkedHashMap<>();
        for (String identity : identities) {
            try {
                change.apply(identity);
            } catch (ConnectorException e) {
                failed.put(identity, e);
            }
        }
        return failed;
    }

    /** One identity's change. */
    @FunctionalInterface
    interface Change {
        void apply(String identity) throws ConnectorException;
    }
}
