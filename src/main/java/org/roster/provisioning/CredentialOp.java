package org.roster.provisioning;

/**
 * A target that can give a non-human identity's credential a new value (a Keycloak client's
 * secret). The value is returned to the caller to hand to a secret sink at once: it is never
 * logged, stored, or put in an exception message.
 */
public interface CredentialOp {

    /**
     * Gives the named non-human account's credential a new value; the old one stops working.
     *
     * @return the new value
     * @throws ConnectorException when the target refuses or the account does not exist
     */
    String rotateSecret(String name) throws ConnectorException;
}
