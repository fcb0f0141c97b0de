package org.roster.policy;

/** A policy that cannot be loaded or evaluated: names the rule, the expression and the cause. */
public class PolicyException extends RuntimeException {

    public PolicyException(String message) {
        super(message);
    }

    public PolicyException(String message, Throwable cause) {
        super(message, cause);
    }
}
