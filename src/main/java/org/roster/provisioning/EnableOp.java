package org.roster.provisioning;

/** Enables and disables accounts. Disabling an account that does not exist succeeds: there is nothing to use. */
public interface EnableOp {
    void enable(String identity) throws ConnectorException;

    void disable(String identity) throws ConnectorException;
}
