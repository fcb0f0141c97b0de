package org.roster.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.roster.hr.ScimSchemas;
import org.roster.support.Api;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Mutation fuzzing of every parser at the edge (SCIM JSON, PATCH paths, filters, Bulk, snapshot
 * CSV and JSON): valid inputs are mangled (bytes flipped, cut, duplicated, special characters
 * inserted) with a fixed seed, so a failure reproduces. Whatever arrives, the answer is never a
 * 5xx, and a refused request stores nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + ParserFuzzTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:fuzz;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.hr.sources[0].name=export",
    "roster.hr.sources[0].type=snapshot"})
class ParserFuzzTests {

    static final String TOKEN = "fuzz-token-0123456789abcdef";
    private static final int ROUNDS = Integer.getInteger("fuzz.rounds", 250);
    private static final String[] SPICE = {"\"", "\\", "{", "}", "[", "]", ",", ":", "\u0000", "\uFFFF", "é",
        "null", "true", "-1", "1e999", " or ", " and ", "(", ")", "eq", "\"\"", "\n", "\r\n", ";", "'", "$", "%",
        "bulkId:", "urn:", "..", "/", "[type eq \"work\"]", "9999-99-99", "2026-02-30"};

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    private Api api;
    private final Random random = new Random(20261123L);

    @BeforeEach
    void client() {
        api = new Api("http://127.0.0.1:" + port, TOKEN);
    }

    private String mutate(String valid) {
        StringBuilder s = new StringBuilder(valid);
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && s.length() > 0; i++) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(5)) {
                case 0 -> s.setCharAt(at, (char) (32 + random.nextInt(95)));
                case 1 -> s.setLength(at);
                case 2 -> s.insert(at, SPICE[random.nextInt(SPICE.length)]);
                case 3 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(8)));
                default -> s.insert(at, s.substring(at, Math.min(s.length(), at + 1 + random.nextInt(12))));
            }
        }
        return s.toString();
    }

    private long count(String table) {
        return jdbc.sql("select count(*) from " + table).query(Long.class).single();
    }

    private static final String USER = """
        {"schemas": ["%s", "%s", "%s"], "userName": "fuzz-user", "name": {"givenName": "F", "familyName": "Z"},
         "emails": [{"value": "f@example.com", "primary": true}], "active": true,
         "%s": {"employeeNumber": "FUZZ1", "department": "Eng", "manager": {"value": "M1"}},
         "%s": {"workerType": "employee", "startDate": "2024-01-08", "endDate": "2027-01-08", "timeZone": "Europe/Paris"}}
        """.formatted(ScimSchemas.USER, ScimSchemas.ENTERPRISE_USER, ScimSchemas.WORKER, ScimSchemas.ENTERPRISE_USER,
        ScimSchemas.WORKER);

    @Test
    void scimCreateNeverFailsWithA5xxAndRefusalsStoreNothing() {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            String body = mutate(USER);
            long workers = count("hr_worker");
            long events = count("hr_event");
            Api.Response r = api.send("POST", "/scim/v2/Users", "application/scim+json", body);
            if (r.status() >= 500) {
                failures.add(r.status() + " for " + body);
            }
            if (r.status() >= 400 && (count("hr_worker") != workers || count("hr_event") != events)) {
                failures.add("refused with " + r.status() + " but stored something, for " + body);
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void patchPathsAndValuesNeverFailWithA5xx() {
        Api.Response created = api.send("POST", "/scim/v2/Users", "application/scim+json",
            USER.replace("fuzz-user", "patch-target").replace("FUZZ1", "PATCH1"));
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().path("id").stringValue();
        String patch = """
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
              {"op": "replace", "path": "emails[type eq \\"work\\"].value", "value": "x@example.com"},
              {"op": "add", "path": "%s:department", "value": "Ops"},
              {"op": "remove", "path": "title"}]}
            """.formatted(ScimSchemas.ENTERPRISE_USER);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            String body = mutate(patch);
            Api.Response r = api.send("PATCH", "/scim/v2/Users/" + id, "application/scim+json", body);
            if (r.status() >= 500) {
                failures.add(r.status() + " for " + body + " -> " + r.body());
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void filtersAndSortsNeverFailWithA5xx() {
        String filter = "userName sw \"fu\" and (" + ScimSchemas.ENTERPRISE_USER
            + ":department eq \"Eng\" or emails[type eq \"work\" and value co \"@\"]) and not (active eq false)";
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            String f = mutate(filter);
            String sort = mutate("name.familyName");
            Api.Response r = api.get("/scim/v2/Users?filter=" + URLEncoder.encode(f, StandardCharsets.UTF_8)
                + "&sortBy=" + URLEncoder.encode(sort, StandardCharsets.UTF_8));
            if (r.status() >= 500) {
                failures.add(r.status() + " for filter " + f + " sortBy " + sort + " -> " + r.body());
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void bulkRequestsNeverFailWithA5xx() {
        String bulk = """
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "failOnErrors": 1, "Operations": [
              {"method": "POST", "path": "/Users", "bulkId": "b1", "data": %s},
              {"method": "PATCH", "path": "/Users/bulkId:b1", "data": {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
               "Operations": [{"op": "replace", "path": "title", "value": "T"}]}},
              {"method": "DELETE", "path": "/Users/nobody", "version": "W/\\"1\\""}]}
            """.formatted(USER.replace("fuzz-user", "bulk-user").replace("FUZZ1", "BULK1"));
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            String body = mutate(bulk);
            Api.Response r = api.send("POST", "/scim/v2/Bulk", "application/scim+json", body);
            if (r.status() >= 500) {
                failures.add(r.status() + " for " + body + " -> " + r.body());
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void snapshotsNeverFailWithA5xx() {
        String csv = "employeeNumber,userName,department,startDate,endDate,active\nSF1,sf1,Eng,2024-01-01,,true\n"
            + "SF2,sf2,\"Sales, EMEA\",2024-01-01,2026-12-31,false\n";
        String json = "[{\"employeeNumber\": \"SJ1\", \"userName\": \"sj1\", \"active\": true, \"manager\": \"SJ2\"},"
            + " {\"employeeNumber\": \"SJ2\", \"userName\": \"sj2\", \"workerType\": \"contractor\"}]";
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            boolean useCsv = i % 2 == 0;
            String body = mutate(useCsv ? csv : json);
            Api.Response r = api.send("POST", "/api/v1/hr/snapshots?source=export", useCsv ? "text/csv" : "application/json",
                body);
            if (r.status() >= 500) {
                failures.add(r.status() + " for " + body + " -> " + r.body());
            }
        }
        assertThat(failures).isEmpty();
    }
}
