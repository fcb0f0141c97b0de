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
        checkLength("location", w.location(), 256);
        checkLength("terminationReason", w.terminationReason(), 256);
        checkText("userName", w.userName());
        checkText("givenName", w.givenName());
        checkText("familyName", w.familyName());
        checkText("displayName", w.displayName());
        checkText("email", w.email());
        checkText("title", w.title());
        checkText("department", w.department());
        checkText("costCenter", w.costCenter());
        checkText("manager", w.managerEmployeeNumber());
        checkText("location", w.location());
        checkText("terminationReason", w.terminationReason());
    }

    /**
     * HR text goes on to directories and applications: a NUL or another control character (tabs and
     * line breaks aside), a lone surrogate, or the replacement character a lenient decoder puts
     * where bytes were not UTF-8 is refused here, whatever the source, rather than written on.
     */
    static void checkText(String field, @org.jspecify.annotations.Nullable String value) {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\uFFFD') {
                throw new HrValidationException(field, "is not valid UTF-8 text (U+FFFD at character " + i + ")");
            }
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
                throw new HrValidationException(field, String.format(java.util.Locale.ROOT,
                    "contains the control character U+%04X at character %d", (int) c, i));
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
                if (!paired) {
                    throw new HrValidationException(field, "contains a lone surrogate at character " + i);
                }
                i++;
            }
        }
    }

    private static void checkLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new HrValidationException(field, "longer than " + max + " characters");
        }
    }
}
