package org.roster.provisioning;

/**
 * Deletes accounts. Deleting an account that does not exist succeeds: there is nothing left. Roster
 * only deletes an account after it has been disabled for the grace period {@code roster.plan.delete-after}.
 */
public interface DeleteOp {
    void delete(String identity) throws ConnectorException;
}
