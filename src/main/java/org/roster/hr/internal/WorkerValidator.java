package org.roster.hr.internal;

import java.util.regex.Pattern;
import org.roster.hr.HrValidationException;
import org.roster.hr.Worker;

/** Checks one worker record on its own; the checks against stored records are the facade's. */
public final class WorkerValidator {

    private static final Pattern EMPLOYEE_NUMBER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern USER_NAME = Pattern.compile("[^\\s,+\"\\\\<>;=/#]{1,256}");
    // Deliberately simple: one @, a dot in the domain, no spaces. RFC 5322 in full accepts mail no directory wants.
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private WorkerValidator() {
    }

    public static void validate(Worker w) {
        if (!EMPLOYEE_NUMBER.matcher(w.employeeNumber()).matches()) {
            throw new HrValidationException("employeeNumber",
                "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (!USER_NAME.matcher(w.userName()).matches()) {
            throw new HrValidationException("userName",
                "must be 1 to 256 characters without spaces or any of , + \" \\ < > ; = / #");
        }
        if (w.email() != null && !EMAIL.matcher(w.email()).matches()) {
            throw new HrValidationException("email", "'" + w.email() + "' is not an email address");
        }
        if (w.startDate() != null && w.endDate() != null && w.endDate().isBefore(w.startDate())) {
            throw new HrValidationException("endDate",
                "end date " + w.endDate() + " is before start date " + w.startDate());
        }
        if (w.employeeNumber().equals(w.managerEmployeeNumber())) {
            throw new HrValidationException("manager", "a worker cannot be their own manager");
        }
        checkLength("givenName", w.givenName(), 256);
        checkLength("familyName", w.familyName(), 256);
        checkLength("displayName", w.displayName(), 256);
        checkLength("title", w.title(), 256);
        checkLength("department", w.department(), 256);
        checkLength("costCenter", w.costCenter(), 256);
    }

    private static void checkLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new HrValidationException(field, "longer than " + max + " characters");
        }
    }
}
