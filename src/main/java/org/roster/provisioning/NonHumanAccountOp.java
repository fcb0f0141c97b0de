package org.roster.provisioning;

/**
 * A target that can take a non-human account out of use (an expired or retired NHI): disable it,
 * then, after a grace period, delete it. Both are idempotent: an account that is not there is done.
 */
public interface NonHumanAccountOp {

    /** Makes the named non-human account unusable: it can no longer authenticate. */
    void disableNonHuman(String name) throws ConnectorException;

    /** Removes the named non-human account. */
    void deleteNonHuman(String name) throws ConnectorException;
}
