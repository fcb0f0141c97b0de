package org.roster.provisioning;

import java.util.List;

/**
 * A target that can list its non-human accounts (Keycloak clients with a service account), so that
 * Roster finds those nobody declared.
 */
public interface NonHumanListOp {

    /** A non-human account as the target shows it. */
    record NonHumanAccount(String name, String kind, String description) {
    }

    /** Every non-human account on the target, except Roster's own. */
    List<NonHumanAccount> nonHumanAccounts() throws ConnectorException;
}
