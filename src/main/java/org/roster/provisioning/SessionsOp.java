package org.roster.provisioning;

/**
 * Tells how many live sessions an identity has on the target (an IdP): a revocation is only
 * verified once none is left, since a live session outlives a disabled account.
 */
public interface SessionsOp {
    int liveSessions(String identity) throws ConnectorException;
}
