package org.roster.grants;

/** A grant request or decision that is refused, naming the field and the reason. */
public class GrantException extends RuntimeException {

    /** How the refusal maps to HTTP: a bad request, an unknown grant, or a conflict with its state or with who asks. */
    public enum Why { INVALID, NOT_FOUND, CONFLICT, FORBIDDEN }

    private final Why why;
    private final String field;

    public GrantException(Why why, String field, String reason) {
        super(field + ": " + reason);
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
