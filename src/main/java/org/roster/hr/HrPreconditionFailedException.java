package org.roster.hr;

/** The worker is no longer at the version the caller said it changes (SCIM If-Match): nothing was changed. */
public class HrPreconditionFailedException extends RuntimeException {

    public HrPreconditionFailedException(String message) {
        super(message);
    }
}
