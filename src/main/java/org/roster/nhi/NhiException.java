package org.roster.nhi;

/** A request about a non-human identity Roster refuses: the field, and why. */
public final class NhiException extends RuntimeException {

    public enum Why { INVALID, NOT_FOUND, CONFLICT, FORBIDDEN }

    private final Why why;
    private final String field;

    public NhiException(Why why, String field, String message) {
        super(message);
        this.why = why;
        this.field = field;
    }

    public Why why() {
        return why;
    }

    public String field() {
        return field;
    }
}
