package org.roster.runtime;

/**
 * A request a module refuses, naming the field it is about and why: the one shape every module's
 * refusal takes, so the API answers each the same way (400, 404, 409 or 403 with a problem body
 * naming the field).
 */
public class Refusal extends RuntimeException {

    /** How the refusal maps to HTTP: a bad request, an unknown object, a conflict with its state, or who asks. */
    public enum Why { INVALID, NOT_FOUND, CONFLICT, FORBIDDEN }

    private final Why why;
    private final String field;

    /**
     * @param message the whole text a person reads (modules put the field first: {@code owner: ...})
     */
    protected Refusal(Why why, String field, String message) {
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
