package org.roster.hr.internal;

import java.time.LocalDate;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.roster.hr.EmploymentStatus;
import org.roster.hr.Worker;

/**
 * A worker who has left comes back only when HR says so, never because a source left a field out.
 *
 * <p>Sources send records of different completeness: a SCIM PUT is a whole resource whose absent
 * {@code active} the protocol would default to {@code true}; a snapshot row may have an empty
 * status cell; a webhook may send {@code "employmentStatus": null}. Each source says which
 * employment fields it actually stated (present, with a value). For the fields that decide whether
 * someone works here, what was not stated keeps its stored value:
 * <ul>
 * <li>{@code active} and {@code employmentStatus} not stated: kept;</li>
 * <li>an end date that has passed and is not stated again: kept (the worker left on it; only
 *     clearing a future end date, a cancelled termination, is a change by omission Roster accepts).</li>
 * </ul>
 * A worker who has left (terminated, inactive, or past their end date) returns only on an explicit
 * signal, in this order: {@code active} stated {@code true}; an employment status stated other
 * than terminated (where it was terminated); a start date stated after the previous employment
 * (after its start date and its end date, or after today when it ended without one); an end date stated that has not passed (an extension). The signal is named in the
 * audit. A return takes the other employment fields with it: the worker is active, and a passed end
 * date that belonged to the previous employment is cleared unless it was stated.
 */
public final class ReturnSignals {

    /** The employment fields a source can state or leave out. */
    public static final Set<String> FIELDS = Set.of("active", "employmentStatus", "startDate", "endDate");

    private ReturnSignals() {
    }

    /**
     * The record to store, and the field that brought a leaver back ({@code null} when nobody came back).
     */
    public record Resolved(Worker worker, @Nullable String returnSignal) {
    }

    /**
     * @param current the stored record
     * @param incoming the record as the source's mapping read it (defaults where fields were absent)
     * @param stated the employment fields the source stated
     * @param today the latest date it is anywhere on Earth now: an end date before it has passed somewhere, which
     *     is enough to count as a departure that only an explicit signal undoes
     */
    public static Resolved resolve(Worker current, Worker incoming, Set<String> stated, LocalDate today) {
        boolean activeStated = stated.contains("active");
        boolean statusStated = stated.contains("employmentStatus");
        boolean endStated = stated.contains("endDate");
        boolean endPassed = passed(current.endDate(), today);
        boolean gone = current.terminated() || endPassed;
        String signal = null;
        if (gone) {
            boolean saysTerminated = activeStated && !incoming.active()
                || statusStated && incoming.employmentStatus() == EmploymentStatus.TERMINATED;
            if (saysTerminated) {
                signal = null;
            } else if (activeStated && incoming.active() && !current.active()) {
                signal = "active";
            } else if (statusStated && current.employmentStatus() == EmploymentStatus.TERMINATED) {
                signal = "employmentStatus";
            } else if (stated.contains("startDate") && startsAgain(current, incoming.startDate(), today)) {
                signal = "startDate";
            } else if (endStated && endPassed && !passed(incoming.endDate(), today)) {
                signal = "endDate";
            }
        }
        boolean active = activeStated ? incoming.active() : signal != null || current.active();
        EmploymentStatus status = statusStated ? incoming.employmentStatus()
            : signal != null && current.employmentStatus() == EmploymentStatus.TERMINATED ? EmploymentStatus.ACTIVE
            : current.employmentStatus();
        LocalDate end = endStated || !endPassed || signal != null ? incoming.endDate() : current.endDate();
        if (signal != null && !endStated && passed(end, today)) {
            end = null;
        }
        Worker resolved = new Worker(incoming.employeeNumber(), incoming.userName(), incoming.givenName(),
            incoming.familyName(), incoming.displayName(), incoming.email(), incoming.title(), incoming.department(),
            incoming.costCenter(), incoming.managerEmployeeNumber(), incoming.workerType(), status, incoming.startDate(),
            end, active, incoming.location(), incoming.timeZone(), incoming.terminationReason(), incoming.matchKey(),
            incoming.endTime());
        return new Resolved(resolved, signal);
    }

    private static boolean passed(@Nullable LocalDate endDate, LocalDate today) {
        return endDate != null && endDate.isBefore(today);
    }

    /**
     * A start date later than the previous employment's start and its end: a new employment. A
     * worker terminated without an end date ended today, so only a start date after today counts.
     */
    private static boolean startsAgain(Worker current, @Nullable LocalDate start, LocalDate today) {
        LocalDate ended = current.endDate() != null ? current.endDate() : today;
        return start != null
            && (current.startDate() == null || start.isAfter(current.startDate()))
            && start.isAfter(ended);
    }
}
