package org.roster.hr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.roster.hr.internal.ScimWorkerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class ScimWorkerMappingTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ObjectNode user() {
        return (ObjectNode) JSON.readTree("""
            {"schemas": ["%s", "%s", "%s"],
             "userName": "ada", "name": {"givenName": "Ada", "familyName": "Lovelace"},
             "emails": [{"value": "other@example.com"}, {"value": "ada@example.com", "primary": true}],
             "%s": {"employeeNumber": "E1", "department": "Engineering", "manager": {"value": "M1"}},
             "%s": {"workerType": "contractor", "startDate": "2026-01-05", "endDate": "2026-12-31", "endTime": "17:30"}}
            """.formatted(ScimSchemas.USER, ScimSchemas.ENTERPRISE_USER, ScimSchemas.WORKER,
            ScimSchemas.ENTERPRISE_USER, ScimSchemas.WORKER));
    }

    private static Worker read(JsonNode node) {
        return ScimWorkerMapping.fromScim(node, ref -> ref.equals("M1") ? Optional.of("M1") : Optional.empty());
    }

    @Test
    void readsCoreEnterpriseAndWorkerExtension() {
        Worker w = read(user());

        assertThat(w.employeeNumber()).isEqualTo("E1");
        assertThat(w.email()).isEqualTo("ada@example.com");
        assertThat(w.workerType()).isEqualTo(WorkerType.CONTRACTOR);
        assertThat(w.employmentStatus()).isEqualTo(EmploymentStatus.ACTIVE);
        assertThat(w.endDate()).isEqualTo(LocalDate.of(2026, 12, 31));
        assertThat(w.endTime()).isEqualTo(java.time.LocalTime.of(17, 30));
        assertThat(w.managerEmployeeNumber()).isEqualTo("M1");
        assertThat(w.active()).isTrue();
    }

    @Test
    void writesWhatItReads() {
        Worker w = read(user());
        ObjectNode scim = ScimWorkerMapping.toScim(new StoredWorker("id-1", 3, Instant.EPOCH, Instant.EPOCH, w),
            "https://x/scim/v2/Users/id-1", Optional::of);

        assertThat(read(scim)).isEqualTo(w);
        assertThat(scim.path("meta").path("version").stringValue()).isEqualTo("W/\"3\"");
    }

    @Test
    void missingUserNameIsNamed() {
        ObjectNode u = user();
        u.remove("userName");
        assertThatThrownBy(() -> read(u)).isInstanceOf(HrValidationException.class)
            .extracting("field").isEqualTo("userName");
    }

    @Test
    void missingEmployeeNumberIsNamedByItsScimPath() {
        ObjectNode u = user();
        ((ObjectNode) u.get(ScimSchemas.ENTERPRISE_USER)).remove("employeeNumber");
        assertThatThrownBy(() -> read(u)).isInstanceOf(HrValidationException.class)
            .extracting("field").isEqualTo(ScimSchemas.ENTERPRISE_USER + ":employeeNumber");
    }

    @Test
    void externalIdStandsInForAMissingEmployeeNumber() {
        ObjectNode u = user();
        ((ObjectNode) u.get(ScimSchemas.ENTERPRISE_USER)).remove("employeeNumber");
        u.put("externalId", "WD-42");
        assertThat(read(u).employeeNumber()).isEqualTo("WD-42");
    }

    @Test
    void invalidDateIsNamedWithTheValue() {
        ObjectNode u = user();
        ((ObjectNode) u.get(ScimSchemas.WORKER)).put("startDate", "2026-13-01");
        assertThatThrownBy(() -> read(u)).isInstanceOf(HrValidationException.class)
            .hasMessageContaining(ScimSchemas.WORKER + ":startDate").hasMessageContaining("2026-13-01");
    }

    @Test
    void unknownSchemaIsRefused() {
        ObjectNode u = user();
        u.withArray("schemas").add("urn:example:unknown");
        assertThatThrownBy(() -> read(u)).isInstanceOf(HrValidationException.class)
            .hasMessageContaining("urn:example:unknown").extracting("field").isEqualTo("schemas");
    }

    @Test
    void unknownWorkerTypeIsRefused() {
        ObjectNode u = user();
        ((ObjectNode) u.get(ScimSchemas.WORKER)).put("workerType", "robot");
        assertThatThrownBy(() -> read(u)).hasMessageContaining("robot").hasMessageContaining("workerType");
    }

    @Test
    void managerReferenceToNobodyKnownYetIsKeptAsAnEmployeeNumber() {
        ObjectNode u = user();
        ((ObjectNode) u.get(ScimSchemas.ENTERPRISE_USER)).putObject("manager").put("value", "LATER-1");
        assertThat(read(u).managerEmployeeNumber()).isEqualTo("LATER-1");
    }

    @Test
    void nonStringFieldIsRefused() {
        ObjectNode u = user();
        u.put("userName", 42);
        assertThatThrownBy(() -> read(u)).hasMessageContaining("userName: must be a string");
    }
}
