package org.roster.provisioning;

/** A target refused an operation; retrying the same operation will not help. */
public class ConnectorException extends Exception {

    public ConnectorException(String message) {
        super(message);
    }

    public ConnectorException(String message, Throwable cause) {
        super(message, cause);
    }
}
