package org.roster.provisioning;

/** Grants and removes entitlements (groups, roles). Both are idempotent. */
public interface EntitlementOp {
    void addEntitlement(String identity, String entitlement) throws ConnectorException;

    void removeEntitlement(String identity, String entitlement) throws ConnectorException;
}
