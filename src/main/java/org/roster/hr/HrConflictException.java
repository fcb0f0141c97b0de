package org.roster.hr;

/** An HR record that clashes with one already stored (a duplicate userName or employee number). */
public class HrConflictException extends HrValidationException {

    public HrConflictException(String field, String reason) {
        super(field, reason);
    }
}
