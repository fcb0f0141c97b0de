package org.roster.nhi;

/** A request about a non-human identity Roster refuses: the field, and why. */
public final class NhiException extends org.roster.runtime.Refusal {

    public NhiException(Why why, String field, String reason) {
        super(why, field, field + ": " + reason);
    }
}
