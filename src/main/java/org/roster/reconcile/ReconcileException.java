package org.roster.reconcile;

/** A reconciliation request refused: the field it is about, and why. */
public class ReconcileException extends RuntimeException {

    /** What kind of refusal, for the API's status code. */
    public enum Why { INVALID, NOT_FOUND, CONFLICT }

    private final Why why;
    private final String field;

    public ReconcileException(Why why, String field, String message) {
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
