package org.roster.hr.internal;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.roster.hr.EmploymentStatus;
import org.roster.hr.HrValidationException;
import org.roster.hr.MatchKey;
import org.roster.hr.Worker;
import org.roster.hr.WorkerType;
import tools.jackson.databind.JsonNode;

/**
 * Applies a flat set of field changes (a webhook event, a snapshot row) to a worker. A field that is
 * absent is left as it is; a field given as {@code null} or an empty string is cleared. Nothing is
 * ever changed by omission.
 */
public final class WorkerFields {

    public static final Set<String> NAMES = Set.of("employeeNumber", "userName", "givenName", "familyName",
        "displayName", "email", "title", "department", "costCenter", "manager", "workerType", "employmentStatus",
        "startDate", "endDate", "active", "location", "timeZone", "terminationReason", "personalEmail", "dateOfBirth", "nationalId", "endTime");

    private WorkerFields() {
    }

    /**
     * @param base the worker as stored, or {@code null} for a new one
     * @param employeeNumber the worker the changes are for
     * @param matchKey how a returning worker is recognised
     */
    public static Worker apply(@Nullable Worker base, String employeeNumber, Map<String, JsonNode> changes,
                               MatchKey matchKey) {
        for (String field : changes.keySet()) {
            if (!NAMES.contains(field)) {
                throw new HrValidationException(field, "is not a worker field (known: " + new TreeSet<>(NAMES) + ")");
            }
        }
        if (changes.containsKey("employeeNumber") && !employeeNumber.equals(string(changes, "employeeNumber", null))) {
            throw new org.roster.hr.HrImmutableFieldException("employeeNumber", "is immutable: the worker is " + employeeNumber);
        }
        String userName = string(changes, "userName", base == null ? null : base.userName());
        if (userName == null) {
            throw new HrValidationException("userName", "is required");
        }
        String type = string(changes, "workerType", base == null ? null : base.workerType().wire());
        String status = string(changes, "employmentStatus", base == null ? null : base.employmentStatus().wire());
        return new Worker(
            employeeNumber,
            userName,
            string(changes, "givenName", base == null ? null : base.givenName()),
            string(changes, "familyName", base == null ? null : base.familyName()),
            string(changes, "displayName", base == null ? null : base.displayName()),
            string(changes, "email", base == null ? null : base.email()),
            string(changes, "title", base == null ? null : base.title()),
            string(changes, "department", base == null ? null : base.department()),
            string(changes, "costCenter", base == null ? null : base.costCenter()),
            string(changes, "manager", base == null ? null : base.managerEmployeeNumber()),
            type == null ? WorkerType.EMPLOYEE : WorkerType.fromWire(type).orElseThrow(() ->
                new HrValidationException("workerType", "unknown worker type '" + type
                    + "' (expected employee, contractor or intern)")),
            status == null ? EmploymentStatus.ACTIVE : EmploymentStatus.fromWire(status).orElseThrow(() ->
                new HrValidationException("employmentStatus", "unknown employment status '" + status
                    + "' (expected active, leave or terminated)")),
            date(changes, "startDate", base == null ? null : base.startDate()),
            date(changes, "endDate", base == null ? null : base.endDate()),
            bool(changes, "active", base == null || base.active()),
            string(changes, "location", base == null ? null : base.location()),
            zone(changes, base == null ? null : base.timeZone()),
            string(changes, "terminationReason", base == null ? null : base.terminationReason()),
            matchKey(changes, base, matchKey),
            changes.containsKey("endTime") ? time("endTime", string(changes, "endTime", null))
                : base == null ? null : base.endTime());
    }

    /** The employment fields ({@link ReturnSignals#FIELDS}) these changes give a value: present, not null, not blank. */
    public static Set<String> stated(Map<String, JsonNode> changes) {
        Set<String> stated = new java.util.HashSet<>();
        for (String field : ReturnSignals.FIELDS) {
            JsonNode v = changes.get(field);
            if (v != null && !v.isNull() && !v.isMissingNode() && !(v.isString() && v.stringValue().isBlank())) {
                stated.add(field);
            }
        }
        return stated;
    }

    private static @Nullable String string(Map<String, JsonNode> changes, String field, @Nullable String current) {
        if (!changes.containsKey(field)) {
            return current;
        }
        JsonNode v = changes.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString() && !v.isNumber()) {
            throw new HrValidationException(field, "must be a string");
        }
        String s = v.asString().trim();
        return s.isEmpty() ? null : s;
    }

    private static @Nullable LocalDate date(Map<String, JsonNode> changes, String field, @Nullable LocalDate current) {
        if (!changes.containsKey(field)) {
            return current;
        }
        String value = string(changes, field, null);
        if (value == null) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeException e) {
            throw new HrValidationException(field, "'" + value + "' is not a date (expected YYYY-MM-DD)");
        }
    }

    private static boolean bool(Map<String, JsonNode> changes, String field, boolean current) {
        if (!changes.containsKey(field) || changes.get(field) == null || changes.get(field).isNull()) {
            return current;
        }
        JsonNode v = changes.get(field);
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isString() && (v.stringValue().equalsIgnoreCase("true") || v.stringValue().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(v.stringValue());
        }
        throw new HrValidationException(field, "must be true or false");
    }

    /**
     * The match key a new worker's fields give; null when a detail it needs is missing or not valid
     * (the row's own validation reports that).
     */
    public static @Nullable String newMatchKey(Map<String, JsonNode> changes, MatchKey matchKey) {
        try {
            return matchKey(changes, null, matchKey);
        } catch (HrValidationException e) {
            return null;
        }
    }

    /** A new match key when every detail it needs is at hand; otherwise the one the worker had. */
    private static @Nullable String matchKey(Map<String, JsonNode> changes, @Nullable Worker base, MatchKey matchKey) {
        String key = matchKey.of(f -> switch (f) {
            case "givenName" -> string(changes, f, base == null ? null : base.givenName());
            case "familyName" -> string(changes, f, base == null ? null : base.familyName());
            case "dateOfBirth" -> {
                LocalDate born = date(changes, f, null);
                yield born == null ? null : born.toString();
            }
            default -> string(changes, f, null);
        });
        return key != null ? key : base == null ? null : base.matchKey();
    }

    private static @Nullable String zone(Map<String, JsonNode> changes, @Nullable String current) {
        String value = string(changes, "timeZone", current);
        if (value == null || !changes.containsKey("timeZone")) {
            return value;
        }
        return zoneId("timeZone", value);
    }

    /** A time of day ({@code HH:mm}), or a validation failure naming {@code field}. */
    static java.time.@Nullable LocalTime time(String field, @Nullable String value) {
        if (value == null) {
            return null;
        }
        try {
            return java.time.LocalTime.parse(value);
        } catch (DateTimeException e) {
            throw new HrValidationException(field, "'" + value + "' is not a time of day (expected HH:mm)");
        }
    }

    /** The canonical id of an IANA time zone, or a validation failure naming {@code field}. */
    static String zoneId(String field, String value) {
        try {
            return ZoneId.of(value).getId();
        } catch (DateTimeException e) {
            throw new HrValidationException(field, "'" + value + "' is not a time zone (expected an IANA name such as Europe/Paris)");
        }
    }

    /** Convenience for callers holding a JSON object of changes. */
    public static Map<String, JsonNode> fields(JsonNode object) {
        Map<String, JsonNode> m = new java.util.LinkedHashMap<>();
        object.properties().forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }
}
