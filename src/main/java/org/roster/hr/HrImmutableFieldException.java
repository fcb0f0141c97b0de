package org.roster.hr;

/** A change to a field that never changes for a worker (the employee number): refused, nothing stored. */
public final class HrImmutableFieldException extends HrValidationException {

    public HrImmutableFieldException(String field, String reason) {
        super(field, reason);
    }
}
