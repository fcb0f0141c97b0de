package org.roster.provisioning;

import java.util.List;

/**
 * A target that can list its non-human accounts (Keycloak clients with a service account), so that
 * Roster finds those nobody declared.
 */
public interface NonHumanListOp {

    /**
     * A non-human account as the target shows it.
     *
     * @param credentialCreatedAt when its current secret was made, where the target says
     */
    record NonHumanAccount(String name, String kind, String description,
                           java.time.@org.jspecify.annotations.Nullable Instant credentialCreatedAt) {
    }

    /** Whether it is configured to (a SCIM target needs a rule that tells non-human users apart). */
    default boolean listsNonHumans() {
        return true;
    }

    /** Every non-human account on the target, except Roster's own. */
    List<NonHumanAccount> nonHumanAccounts() throws ConnectorException;
}
