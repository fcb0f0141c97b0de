package org.roster.hr.internal;

import static org.roster.hr.ScimSchemas.ENTERPRISE_USER;
import static org.roster.hr.ScimSchemas.USER;
import static org.roster.hr.ScimSchemas.USER_SCHEMAS;
import static org.roster.hr.ScimSchemas.WORKER;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.roster.hr.EmploymentStatus;
import org.roster.hr.HrValidationException;
import org.roster.hr.MatchKey;
import org.roster.hr.StoredWorker;
import org.roster.hr.Worker;
import org.roster.hr.WorkerType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Field mapping between a SCIM User (core + enterprise + Roster worker extension) and a
 * {@link Worker}. Errors name the field by its SCIM path. Attributes Roster does not keep (phone
 * numbers, addresses...) are accepted and not stored.
 */
public final class ScimWorkerMapping {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Worker field name to SCIM attribute path, for error messages. */
    private static final Map<String, String> SCIM_PATHS = Map.ofEntries(
        Map.entry("employeeNumber", ENTERPRISE_USER + ":employeeNumber"),
        Map.entry("department", ENTERPRISE_USER + ":department"),
        Map.entry("costCenter", ENTERPRISE_USER + ":costCenter"),
        Map.entry("manager", ENTERPRISE_USER + ":manager.value"),
        Map.entry("givenName", "name.givenName"),
        Map.entry("familyName", "name.familyName"),
        Map.entry("email", "emails.value"),
        Map.entry("workerType", WORKER + ":workerType"),
        Map.entry("employmentStatus", WORKER + ":employmentStatus"),
        Map.entry("startDate", WORKER + ":startDate"),
        Map.entry("endDate", WORKER + ":endDate"),
        Map.entry("location", WORKER + ":location"),
        Map.entry("timeZone", WORKER + ":timeZone"),
        Map.entry("terminationReason", WORKER + ":terminationReason"),
        Map.entry("personalEmail", WORKER + ":personalEmail"),
        Map.entry("dateOfBirth", WORKER + ":dateOfBirth"),
        Map.entry("nationalId", WORKER + ":nationalId"),
        Map.entry("endTime", WORKER + ":endTime"));

    private ScimWorkerMapping() {
    }

    public static String scimPath(String workerField) {
        return SCIM_PATHS.getOrDefault(workerField, workerField);
    }

    /**
     * Reads a SCIM User into a worker.
     *
     * @param managerResolver turns a {@code manager.value} (a SCIM id or an employee number) into the
     *     manager's employee number, or empty if no such worker exists yet (the value is then kept as
     *     the employee number of a manager still to arrive)
     */
    public static Worker fromScim(JsonNode user, Function<String, Optional<String>> managerResolver) {
        return fromScim(user, managerResolver, MatchKey.defaults());
    }

    /** As {@link #fromScim(JsonNode, Function)}, recognising returning workers by {@code matchKey}. */
    public static Worker fromScim(JsonNode user, Function<String, Optional<String>> managerResolver, MatchKey matchKey) {
        if (!user.isObject()) {
            throw new HrValidationException("body", "must be a JSON object");
        }
        Set<String> schemas = schemas(user);
        JsonNode enterprise = extension(user, ENTERPRISE_USER, schemas);
        JsonNode worker = extension(user, WORKER, schemas);
        JsonNode name = user.path("name");

        String employeeNumber = string(enterprise, "employeeNumber", scimPath("employeeNumber"));
        // externalId is the employee number (Entra's API-driven inbound provisioning carries the HR key
        // there): either gives it, and when both are given they must agree.
        String externalId = string(user, "externalId", "externalId");
        if (employeeNumber == null) {
            employeeNumber = externalId;
        } else if (externalId != null && !externalId.equals(employeeNumber)) {
            throw new HrValidationException("externalId", "'" + externalId + "' differs from the employee number '"
                + employeeNumber + "': Roster's externalId is the employee number");
        }
        if (employeeNumber == null || employeeNumber.isBlank()) {
            throw new HrValidationException(scimPath("employeeNumber"), "is required (or externalId): the worker's HR key");
        }
        String userName = string(user, "userName", "userName");
        if (userName == null || userName.isBlank()) {
            throw new HrValidationException("userName", "is required");
        }
        // manager is complex ({"value": id}); Entra also replaces it with the plain id or employee number
        JsonNode managerNode = enterprise.path("manager");
        String managerRef = managerNode.isString() ? string(enterprise, "manager", scimPath("manager"))
            : string(managerNode, "value", scimPath("manager"));
        String manager = null;
        if (managerRef != null && !managerRef.isBlank()) {
            // A reference to nobody known yet is kept as an employee number and reported as pending.
            manager = managerResolver.apply(managerRef).orElse(managerRef.trim());
        }
        String type = string(worker, "workerType", scimPath("workerType"));
        String status = string(worker, "employmentStatus", scimPath("employmentStatus"));
        Boolean active = bool(user.path("active"));
        return new Worker(
            employeeNumber.trim(),
            userName.trim(),
            string(name, "givenName", "name.givenName"),
            string(name, "familyName", "name.familyName"),
            string(user, "displayName", "displayName"),
            primaryEmail(user),
            string(user, "title", "title"),
            string(enterprise, "department", scimPath("department")),
            string(enterprise, "costCenter", scimPath("costCenter")),
            manager,
            type == null ? WorkerType.EMPLOYEE : WorkerType.fromWire(type).orElseThrow(() ->
                new HrValidationException(scimPath("workerType"), "unknown worker type '" + type
                    + "' (expected employee, contractor or intern)")),
            status == null ? EmploymentStatus.ACTIVE : EmploymentStatus.fromWire(status).orElseThrow(() ->
                new HrValidationException(scimPath("employmentStatus"), "unknown employment status '" + status
                    + "' (expected active, leave or terminated)")),
            date(worker, "startDate"),
            date(worker, "endDate"),
            active == null || active,
            string(worker, "location", scimPath("location")),
            zone(worker),
            string(worker, "terminationReason", scimPath("terminationReason")),
            matchKey.of(f -> switch (f) {
                case "givenName", "familyName" -> string(name, f, "name." + f);
                case "dateOfBirth" -> {
                    LocalDate born = date(worker, "dateOfBirth");
                    yield born == null ? null : born.toString();
                }
                default -> string(worker, f, scimPath(f));
            }),
            WorkerFields.time(scimPath("endTime"), string(worker, "endTime", scimPath("endTime"))));
    }

    /**
     * The employment fields ({@link ReturnSignals#FIELDS}) a SCIM User states: {@code active} as a
     * boolean, the worker extension's status and dates with a value. Read after
     * {@link #fromScim}, which has validated them.
     */
    public static Set<String> stated(JsonNode user) {
        Set<String> stated = new java.util.HashSet<>();
        if (bool(user.path("active")) != null) {
            stated.add("active");
        }
        JsonNode worker = schemas(user).contains(WORKER) ? user.path(WORKER) : NODES.missingNode();
        for (String field : List.of("employmentStatus", "startDate", "endDate")) {
            JsonNode v = worker.path(field);
            if (v.isString() && !v.stringValue().isBlank()) {
                stated.add(field);
            }
        }
        return stated;
    }

    /** Writes a stored worker as a SCIM User; {@code idOfEmployee} finds the manager's SCIM id. */
    public static ObjectNode toScim(StoredWorker stored, String location,
                                    Function<String, Optional<String>> idOfEmployee) {
        Worker w = stored.worker();
        ObjectNode user = NODES.objectNode();
        ArrayNode schemas = user.putArray("schemas");
        USER_SCHEMAS.forEach(schemas::add);
        user.put("id", stored.id());
        user.put("externalId", w.employeeNumber());
        user.put("userName", w.userName());
        ObjectNode name = user.putObject("name");
        putIfPresent(name, "givenName", w.givenName());
        putIfPresent(name, "familyName", w.familyName());
        putIfPresent(user, "displayName", w.displayName());
        putIfPresent(user, "title", w.title());
        if (w.email() != null) {
            ObjectNode email = user.putArray("emails").addObject();
            email.put("value", w.email());
            email.put("type", "work");
            email.put("primary", true);
        }
        user.put("active", w.active());
        ObjectNode enterprise = user.putObject(ENTERPRISE_USER);
        enterprise.put("employeeNumber", w.employeeNumber());
        putIfPresent(enterprise, "department", w.department());
        putIfPresent(enterprise, "costCenter", w.costCenter());
        if (w.managerEmployeeNumber() != null) {
            String managerId = idOfEmployee.apply(w.managerEmployeeNumber()).orElse(w.managerEmployeeNumber());
            enterprise.putObject("manager").put("value", managerId);
        }
        ObjectNode ext = user.putObject(WORKER);
        ext.put("workerType", w.workerType().wire());
        ext.put("employmentStatus", w.employmentStatus().wire());
        putIfPresent(ext, "startDate", w.startDate() == null ? null : w.startDate().toString());
        putIfPresent(ext, "endDate", w.endDate() == null ? null : w.endDate().toString());
        putIfPresent(ext, "location", w.location());
        putIfPresent(ext, "timeZone", w.timeZone());
        putIfPresent(ext, "terminationReason", w.terminationReason());
        putIfPresent(ext, "endTime", w.endTime() == null ? null : w.endTime().toString());
        ObjectNode meta = user.putObject("meta");
        meta.put("resourceType", "User");
        meta.put("created", stored.created().toString());
        meta.put("lastModified", stored.lastModified().toString());
        meta.put("location", location);
        meta.put("version", "W/\"" + stored.version() + "\"");
        return user;
    }

    private static Set<String> schemas(JsonNode user) {
        JsonNode node = user.path("schemas");
        if (!node.isArray() || node.isEmpty()) {
            throw new HrValidationException("schemas", "is required and must list " + USER);
        }
        Set<String> schemas = new LinkedHashSet<>();
        for (JsonNode s : node) {
            if (!s.isString()) {
                throw new HrValidationException("schemas", "must be an array of URNs");
            }
            if (!USER_SCHEMAS.contains(s.stringValue())) {
                throw new HrValidationException("schemas", "unknown schema '" + s.stringValue()
                    + "' (supported: " + String.join(", ", USER_SCHEMAS) + ")");
            }
            schemas.add(s.stringValue());
        }
        if (!schemas.contains(USER)) {
            throw new HrValidationException("schemas", "must include " + USER);
        }
        for (String field : user.propertyNames()) {
            if (field.startsWith("urn:") && !schemas.contains(field)) {
                throw new HrValidationException(field, "extension is not listed in schemas"
                    + (USER_SCHEMAS.contains(field) ? "" : " and is not supported"));
            }
        }
        return schemas;
    }

    /** A boolean, also as Entra sends one: the string {@code "True"} or {@code "False"}, any case. Null when absent. */
    private static @Nullable Boolean bool(JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isString() && (v.stringValue().equalsIgnoreCase("true") || v.stringValue().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(v.stringValue().toLowerCase(java.util.Locale.ROOT));
        }
        throw new HrValidationException("active", "must be true or false");
    }

    private static JsonNode extension(JsonNode user, String urn, Set<String> schemas) {
        JsonNode ext = user.path(urn);
        if (!ext.isMissingNode() && !ext.isNull() && !ext.isObject()) {
            throw new HrValidationException(urn, "must be an object");
        }
        return schemas.contains(urn) ? ext : NODES.missingNode();
    }

    private static @Nullable String string(JsonNode parent, String field, String path) {
        JsonNode v = parent.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw new HrValidationException(path, "must be a string");
        }
        String s = v.stringValue().trim();
        return s.isEmpty() ? null : s;
    }

    private static @Nullable LocalDate date(JsonNode worker, String field) {
        String path = scimPath(field);
        String value = string(worker, field, path);
        if (value == null) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new HrValidationException(path, "'" + value + "' is not a date (expected YYYY-MM-DD)");
        }
    }

    private static @Nullable String zone(JsonNode worker) {
        String path = scimPath("timeZone");
        String value = string(worker, "timeZone", path);
        if (value == null) {
            return null;
        }
        return WorkerFields.zoneId(path, value);
    }

    private static @Nullable String primaryEmail(JsonNode user) {
        JsonNode emails = user.path("emails");
        if (emails.isMissingNode() || emails.isNull()) {
            return null;
        }
        if (!emails.isArray()) {
            throw new HrValidationException("emails", "must be an array");
        }
        JsonNode chosen = null;
        for (JsonNode e : emails) {
            if (chosen == null || e.path("primary").asBoolean(false)) {
                chosen = e;
            }
        }
        return chosen == null ? null : string(chosen, "value", "emails.value");
    }

    private static void putIfPresent(ObjectNode node, String field, @Nullable String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
