package org.roster.hr;

/**
 * An HR record that cannot be accepted. Names the field (as the {@link Worker} calls it) and the
 * reason; nothing of the record was stored.
 */
public class HrValidationException extends RuntimeException {

    private final String field;
    private final String reason;

    public HrValidationException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
