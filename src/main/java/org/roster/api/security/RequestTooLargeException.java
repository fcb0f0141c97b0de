package org.roster.api.security;

import java.io.IOException;

/** Thrown while reading a request body that grew past {@code roster.api.max-request-size}; answered 413. */
public final class RequestTooLargeException extends IOException {

    public RequestTooLargeException(long limit) {
        super("the request body is larger than " + limit + " bytes");
    }

    /** True when {@code t} or one of its causes is this exception. */
    public static boolean causes(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RequestTooLargeException) {
                return true;
            }
        }
        return false;
    }
}
