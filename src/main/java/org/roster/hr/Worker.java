package org.roster.hr;

import java.time.LocalDate;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The canonical HR record of one worker, whatever source it came from. The employee number is the
 * identity key: it never changes for a worker, and every later stage refers to the worker by it.
 *
 * @param managerEmployeeNumber the employee number of the worker's manager, already resolved
 * @param active HR's own "can work" flag; {@code false} is an immediate termination
 * @param location the work location (site, office)
 * @param timeZone the IANA zone HR dates are in (e.g. {@code Europe/Paris}); the configured default when absent
 * @param terminationReason why employment ends; some reasons are configured to act immediately
 * @param matchKey a hash of personal details ({@link MatchKey}) that stays the same when a worker
 *     returns under a new employee number; the details themselves are not kept
 * @param endTime the time of day, in {@code timeZone}, at which access ends on the end date; the
 *     end of that day when absent
 */
public record Worker(
        String employeeNumber,
        String userName,
        @Nullable String givenName,
        @Nullable String familyName,
        @Nullable String displayName,
        @Nullable String email,
        @Nullable String title,
        @Nullable String department,
        @Nullable String costCenter,
        @Nullable String managerEmployeeNumber,
        WorkerType workerType,
        EmploymentStatus employmentStatus,
        @Nullable LocalDate startDate,
        @Nullable LocalDate endDate,
        boolean active,
        @Nullable String location,
        @Nullable String timeZone,
        @Nullable String terminationReason,
        @Nullable String matchKey,
        @Nullable LocalTime endTime) {

    public Worker {
        Objects.requireNonNull(employeeNumber, "employeeNumber");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(workerType, "workerType");
        Objects.requireNonNull(employmentStatus, "employmentStatus");
    }

    /** True when HR says this worker's employment ends (now, or at the end date). */
    public boolean terminated() {
        return employmentStatus == EmploymentStatus.TERMINATED || !active;
    }

    /** The same worker without its match key: what the API shows. */
    public Worker redacted() {
        return new Worker(employeeNumber, userName, givenName, familyName, displayName, email, title, department,
            costCenter, managerEmployeeNumber, workerType, employmentStatus, startDate, endDate, active, location,
            timeZone, terminationReason, null, endTime);
    }

    /** The same worker with this match key. */
    public Worker withMatchKey(@Nullable String key) {
        return new Worker(employeeNumber, userName, givenName, familyName, displayName, email, title, department,
            costCenter, managerEmployeeNumber, workerType, employmentStatus, startDate, endDate, active, location,
            timeZone, terminationReason, key, endTime);
    }

    /** The same worker, terminated with this last day of work. */
    public Worker terminatedOn(LocalDate lastDay) {
        return new Worker(employeeNumber, userName, givenName, familyName, displayName, email, title, department,
            costCenter, managerEmployeeNumber, workerType, EmploymentStatus.TERMINATED, startDate, lastDay, false,
            location, timeZone, terminationReason, matchKey, endTime);
    }

    /**
     * The attributes policy conditions see, as {@code worker.NAME} in CEL. Every key is always
     * present (absent values are empty strings) so that a rule never fails on a missing key.
     */
    public Map<String, Object> attributes() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("employeeNumber", employeeNumber);
        a.put("userName", userName);
        a.put("givenName", orEmpty(givenName));
        a.put("familyName", orEmpty(familyName));
        a.put("displayName", orEmpty(displayName));
        a.put("email", orEmpty(email));
        a.put("title", orEmpty(title));
        a.put("department", orEmpty(department));
        a.put("costCenter", orEmpty(costCenter));
        a.put("manager", orEmpty(managerEmployeeNumber));
        a.put("workerType", workerType.wire());
        a.put("employmentStatus", employmentStatus.wire());
        a.put("startDate", startDate == null ? "" : startDate.toString());
        a.put("endDate", endDate == null ? "" : endDate.toString());
        a.put("active", active);
        a.put("location", orEmpty(location));
        a.put("terminationReason", orEmpty(terminationReason));
        a.put("endTime", endTime == null ? "" : endTime.toString());
        return a;
    }

    private static String orEmpty(@Nullable String s) {
        return s == null ? "" : s;
    }
}
