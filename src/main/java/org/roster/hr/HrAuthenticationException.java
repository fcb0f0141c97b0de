package org.roster.hr;

/** A delivery from an HR source that cannot be authenticated (bad or missing signature, stale timestamp). */
public class HrAuthenticationException extends RuntimeException {

    public HrAuthenticationException(String message) {
        super(message);
    }
}
