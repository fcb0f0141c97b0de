package org.roster.provisioning;

/** The target could not be reached or was busy; the same operation may succeed later. */
public class RetryableConnectorException extends ConnectorException {

    public RetryableConnectorException(String message) {
        super(message);
    }

    public RetryableConnectorException(String message, Throwable cause) {
        super(message, cause);
    }
}
