package org.roster.provisioning;

import java.util.Optional;

/** Reads an account back from the target. */
public interface ReadOp {
    Optional<TargetAccount> read(String identity) throws ConnectorException;

    /**
     * Reads many accounts back, each as {@link #read} would: an identity with no account gets an empty
     * one. One read each unless the target can do better (a SCIM application: a search for many users
     * at once); a failure fails them all, and the caller may then read each on its own.
     */
    default java.util.Map<String, Optional<TargetAccount>> readAll(java.util.List<String> identities)
        throws ConnectorException {
        java.util.Map<String, Optional<TargetAccount>> accounts = new java.util.LinkedHashMap<>();
        for (String identity : identities) {
            accounts.put(identity, read(identity));
        }
        return accounts;
    }
}
