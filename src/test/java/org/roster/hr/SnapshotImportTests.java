package org.roster.hr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Full HR exports: diffed against the last one, bad rows quarantined, missing workers reported or
 * terminated. The sort budget is a couple of kilobytes, so every file of more than a few rows is
 * sorted through runs on disk.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "roster.hr.snapshot-sort-memory=2KB",
    "ROSTER_BOOTSTRAP_TOKEN=" + SnapshotImportTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:snapshots;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.hr.sources[0].name=sap",
    "roster.hr.sources[0].type=snapshot",
    "roster.hr.sources[0].mapping.employeeNumber=PERNR",
    "roster.hr.sources[0].mapping.userName=USERID",
    "roster.hr.sources[0].mapping.department=ORGEH",
    "roster.hr.sources[0].mapping.endDate=ENDDA",
    "roster.hr.sources[1].name=feed",
    "roster.hr.sources[1].type=snapshot",
    "roster.hr.sources[1].disappeared=terminate",
    "roster.hr.sources[1].max-disappeared-percent=30",
    "roster.hr.sources[2].name=bulk",
    "roster.hr.sources[2].type=snapshot",
    "roster.hr.sources[2].disappeared=terminate",
    "roster.hr.sources[2].max-disappeared-percent=30",
    "roster.hr.sources[3].name=tree",
    "roster.hr.sources[3].type=snapshot",
    "roster.hr.sources[4].name=leavers",
    "roster.hr.sources[4].type=snapshot",
    "roster.hr.sources[4].disappeared=terminate",
    "roster.hr.sources[4].max-disappeared-percent=30"})
class SnapshotImportTests {

    static final String TOKEN = "snapshot-token-0123456789abcdef";

    @LocalServerPort
    int port;
    private Api api;

    @BeforeEach
    void client() {
        api = new Api("http://127.0.0.1:" + port, TOKEN);
    }

    private JsonNode upload(String source, String contentType, String body) {
        Api.Response r = api.send("POST", "/api/v1/hr/snapshots?source=" + source, contentType, body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static String prefix() {
        return "S" + UUID.randomUUID().toString().substring(0, 5).toUpperCase(java.util.Locale.ROOT);
    }

    static String csv(String p, String... rows) {
        StringBuilder b = new StringBuilder("PERNR,USERID,ORGEH,ENDDA\n");
        for (String row : rows) {
            b.append(row.replace("$", p)).append('\n');
        }
        return b.toString();
    }

    private String state(String en) {
        return api.get("/api/v1/identities/" + en).json().path("state").stringValue();
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    /**
     * The row hash is stored, and the next snapshot's rows are compared with it: reading a file
     * another way must not change it, or every worker of the first snapshot after an upgrade would
     * look changed. It is the first 16 bytes of the SHA-256 of {@code field=value\n} for each worker
     * field the row has, in field-name order, an empty cell as an empty value.
     */
    @Test
    void theStoredRowHashIsTheFieldsTheRowHasInNameOrder() throws Exception {
        String p = prefix();
        upload("sap", "text/csv", csv(p, "$1,$u1,Sales,"));
        upload("feed", "application/json", "[{\"employeeNumber\":\"" + p + "2\",\"userName\":\"" + p + "u2\","
            + "\"department\":null}]");

        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        String csvRow = "department=Sales\nemployeeNumber=" + p + "1\nendDate=\nuserName=" + p + "u1\n";
        String jsonRow = "department=\nemployeeNumber=" + p + "2\nuserName=" + p + "u2\n"; // no endDate key: absent
        assertThat(storedHash("sap", p + "1")).isEqualTo(java.util.HexFormat.of()
            .formatHex(sha.digest(csvRow.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 16));
        assertThat(storedHash("feed", p + "2")).isEqualTo(java.util.HexFormat.of()
            .formatHex(sha.digest(jsonRow.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 16));
    }

    private String storedHash(String source, String employeeNumber) {
        return jdbc.sql("select row_hash from hr_snapshot_row where source = ? and employee_number = ?")
            .params(source, employeeNumber).query(String.class).single();
    }

    @org.springframework.beans.factory.annotation.Autowired
    SnapshotImport imports;

    @org.springframework.beans.factory.annotation.Autowired
    org.roster.hr.internal.SnapshotMemory memory;

    @org.springframework.beans.factory.annotation.Value("${roster.hr.snapshot-memory-rows:2000000}")
    int memoryRows;

    SnapshotImport.Summary importing(String source, String body, SnapshotImport.@org.jspecify.annotations.Nullable Progress progress) {
        return imports.importSnapshot(source, new java.io.ByteArrayInputStream(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            SnapshotFormat.CSV, "test", progress);
    }

    /**
     * The rows an import left are kept in memory, and the next import of the source compares with
     * them instead of reading the store. Proof that it does: a stored row changed behind Roster's
     * back, by no import, is not read again (nothing but an import writes these rows). Once another
     * import of the source has started (here as another instance's would, by its record alone), the
     * rows kept are not the store's any more, and the next import reads the store: the row is mended.
     */
    @Test
    void theNextImportComparesWithTheRowsTheLastLeftUntilAnotherImportOfTheSourceStarts() {
        org.junit.jupiter.api.Assumptions.assumeTrue(memoryRows > 0, "rows are kept only when read into memory");
        String p = prefix();
        String file = csv(p, "$1,$u1,Sales,", "$2,$u2,Sales,");
        upload("sap", "text/csv", file);
        String hash = storedHash("sap", p + "1");
        assertThat(memory.keeps("sap")).isTrue();
        String behindItsBack = "00000000000000000000000000000000";
        jdbc.sql("update hr_snapshot_row set row_hash = ? where source = 'sap' and employee_number = ?")
            .params(behindItsBack, p + "1").update();

        JsonNode same = upload("sap", "text/csv", file);
        assertThat(same.path("changed").asLong()).isZero();
        assertThat(storedHash("sap", p + "1")).as("compared with the rows kept").isEqualTo(behindItsBack);

        jdbc.sql("insert into hr_snapshot (id, source, started_at) values (?, 'sap', ?)")
            .params(UUID.randomUUID().toString(), java.sql.Timestamp.from(java.time.Instant.now())).update();
        upload("sap", "text/csv", file);
        assertThat(storedHash("sap", p + "1")).as("another import started: compared with the store").isEqualTo(hash);
    }

    /**
     * An import that fails after some of its batches committed leaves no rows kept: the next import
     * compares with what the store holds, so a worker changed by the failed import and changed back
     * by the next file is changed back (compared with the rows kept before the failed import, it
     * would look unchanged, and the change would be lost).
     */
    @Test
    void anImportThatFailedHalfWayLeavesTheNextToCompareWithTheStore() {
        String p = prefix();
        String[] sales = new String[600];
        String[] finance = new String[600];
        for (int i = 0; i < 600; i++) {
            sales[i] = String.format("$%03d,$u%03d,Sales,", i, i);
            finance[i] = String.format("$%03d,$u%03d,Finance,", i, i);
        }
        importing("sap", csv(p, sales), null);
        assertThatThrownBy(() -> importing("sap", csv(p, finance), rows -> {
            throw new IllegalStateException("stopped after the first batch");
        })).hasMessageContaining("stopped after the first batch");
        assertThat(department(p + "000")).as("the first batch committed").isEqualTo("Finance");
        assertThat(department(p + "599")).as("the last was not applied").isEqualTo("Sales");

        SnapshotImport.Summary back = importing("sap", csv(p, sales), null);

        assertThat(back.changed()).as("the workers the failed import changed").isEqualTo(500);
        assertThat(department(p + "000")).isEqualTo("Sales");
    }

    private String department(String en) {
        return api.get("/api/v1/identities/" + en).json().path("worker").path("department").stringValue();
    }

    /** An upload whose first part is sent, once Roster has taken its source: the rest waits for {@code finish()}. */
    private org.roster.support.SlowUpload sending(String source, String first, String rest) throws Exception {
        var upload = org.roster.support.SlowUpload.start("http://127.0.0.1:" + port, TOKEN, source, first, rest);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
            jdbc.sql("select count(*) from exclusive_run where name = ?").param("snapshot:" + source).query(Long.class).single() == 1);
        return upload;
    }

    /**
     * Two files of one source applied together would interleave, and the one ending last would count
     * the workers only the other named as missing. So while an import of a source runs, another file
     * of it is refused 409 naming the running snapshot, nothing of it applied (a file larger than the
     * 2 MB the server reads of a body left unread: Roster reads the rest, so that the client, still
     * sending, gets the answer and not a connection closed under it, as CI once saw); other
     * sources are taken meanwhile, up to this instance's limit of imports at once (503 past it); once
     * the first ends, the source takes files again.
     */
    @Test
    void aSecondFileOfASourceIsRefusedWhileTheFirstIsImportedAndTakenOnceItEnded() throws Exception {
        String p = prefix();
        var first = sending("sap", csv(p, "$1,$u1,Sales,"), csv(p, "$2,$u2,Sales,").substring("PERNR,USERID,ORGEH,ENDDA\n".length()));
        String running = jdbc.sql("select run_id from exclusive_run where name = 'snapshot:sap'").query(String.class).single();

        StringBuilder rows = new StringBuilder("PERNR,USERID,ORGEH,ENDDA\n");
        for (int i = 0; i < 80_000; i++) {
            rows.append(p).append("B").append(i).append(',').append(p.toLowerCase(java.util.Locale.ROOT)).append('b').append(i)
                .append(",Engineering-").append(i % 97).append(",\n");
        }
        String big = rows.toString();
        assertThat(big.length()).as("more than the 2 MB the server swallows").isGreaterThan(3_000_000);
        Api.Response refused = api.send("POST", "/api/v1/hr/snapshots?source=sap", "text/csv", big);
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().path("field").stringValue()).isEqualTo("source");
        assertThat(refused.json().path("detail").stringValue())
            .contains("snapshot " + running + " of 'sap' is being imported").contains("on this instance")
            .contains("nothing of this file was applied");
        assertThat(api.get("/api/v1/identities/" + p + "B0").status()).isEqualTo(404);

        // another source meanwhile; and this instance's limit of two at once
        var other = sending("feed", "employeeNumber,userName\n", p + "F1," + p.toLowerCase(java.util.Locale.ROOT) + "f1\n");
        Api.Response full = api.send("POST", "/api/v1/hr/snapshots?source=bulk", "text/csv", "employeeNumber,userName\n");
        assertThat(full.status()).as(full.body()).isEqualTo(503);
        assertThat(full.header("Retry-After")).isNotEmpty();
        assertThat(full.json().path("detail").stringValue()).contains("roster.hr.max-snapshot-imports");
        Api.Response otherDone = other.finish();
        assertThat(otherDone.status()).as(otherDone.body()).isEqualTo(200);
        assertThat(otherDone.json().path("created").asLong()).isEqualTo(1);

        Api.Response done = first.finish();
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(done.json().path("created").asLong()).isEqualTo(2);
        assertThat(jdbc.sql("select count(*) from exclusive_run").query(Long.class).single()).isZero();
        JsonNode taken = upload("sap", "text/csv", csv(p, "$1,$u1,Sales,", "$2,$u2,Sales,", "$3,$u3,Sales,"));
        assertThat(taken.path("created").asLong()).as("the source is free again").isEqualTo(1);
    }

    @Test
    void csvImportCreatesWorkersAndTheSameFileAgainChangesNothing() {
        String p = prefix();
        String file = csv(p, "$1,$u1,Sales,", "$2,$u2,Finance,", "$3,$u3,Sales,2027-06-30");

        JsonNode first = upload("sap", "text/csv", file);
        JsonNode second = upload("sap", "text/csv", file);

        assertThat(first.path("rows").asLong()).isEqualTo(3);
        assertThat(first.path("created").asLong()).as(first.toString()).isEqualTo(3);
        assertThat(state(p + "1")).isEqualTo("ACTIVE");
        assertThat(api.get("/api/v1/identities/" + p + "3").json().path("worker").path("endDate").stringValue())
            .isEqualTo("2027-06-30");
        assertThat(second.path("created").asLong() + second.path("changed").asLong()).isZero();
        assertThat(second.path("unchanged").asLong()).isEqualTo(3);
        assertThat(second.path("repeats").stringValue()).isEqualTo(first.path("snapshotId").stringValue());
    }

    @Test
    void onlyChangedRowsBecomeChangesAndMissingWorkersAreReportedNotTerminated() {
        String p = prefix();
        upload("sap", "text/csv", csv(p, "$1,$u1,Sales,", "$2,$u2,Sales,", "$3,$u3,Sales,"));

        JsonNode next = upload("sap", "text/csv", csv(p, "$1,$u1,Finance,", "$2,$u2,Sales,"));

        assertThat(next.path("changed").asLong()).isEqualTo(1);
        assertThat(next.path("unchanged").asLong()).isEqualTo(1);
        assertThat(api.get("/api/v1/identities/" + p + "1").json().path("history").toString())
            .contains("department: Sales -> Finance");
        assertThat(next.path("disappeared").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(next.path("disappearedSample").toString()).contains(p + "3");
        assertThat(next.path("terminated").asLong()).isZero();
        assertThat(state(p + "3")).isEqualTo("ACTIVE");
        assertThat(api.get("/api/v1/audit?identity=" + p + "3").json().toString()).contains("SNAPSHOT_MISSING")
            .contains("reported only");
    }

    @Test
    void badRowIsQuarantinedNamingTheColumnAndRowWhileTheRestProceeds() {
        String p = prefix();

        JsonNode result = upload("sap", "text/csv", csv(p, "$1,$u1,Sales,", "$2,$u2,Sales,30.06.2027", "$3,$u3,Sales,"));

        assertThat(result.path("created").asLong()).isEqualTo(2);
        assertThat(result.path("quarantined").asLong()).isEqualTo(1);
        assertThat(memory.keeps("sap")).as("the batch rolled back and run again without it; its rows kept for the next import")
            .isEqualTo(memoryRows > 0);
        assertThat(api.get("/api/v1/identities/" + p + "2").status()).isEqualTo(404);
        // The row before the bad one was applied once, not once per attempt at the batch.
        assertThat(api.get("/api/v1/identities/" + p + "1").json().path("history").size()).isEqualTo(1);
        JsonNode held = api.get("/api/v1/quarantine?status=OPEN&size=500").json().path("items");
        JsonNode mine = null;
        for (JsonNode q : held) {
            if ((p + "2").equals(q.path("employeeNumber").stringValue())) {
                mine = q;
            }
        }
        assertThat(mine).isNotNull();
        assertThat(mine.path("field").stringValue()).isEqualTo("ENDDA");
        assertThat(mine.path("reason").stringValue()).contains("30.06.2027").contains("row 2");

        Api.Response released = api.send("POST", "/api/v1/quarantine/" + mine.path("id").stringValue() + "/release",
            "application/json", "{\"eventId\": \"fix-" + p + "\", \"employeeNumber\": \"" + p + "2\", \"changes\":"
                + " {\"userName\": \"" + p + "u2\", \"department\": \"Sales\", \"endDate\": \"2027-06-30\"}}");
        assertThat(released.status()).as(released.body()).isEqualTo(200);
        assertThat(state(p + "2")).isEqualTo("ACTIVE");
    }

    @Test
    void duplicateEmployeeNumberInOneSnapshotIsQuarantined() {
        String p = prefix();

        JsonNode result = upload("sap", "text/csv", csv(p, "$1,$u1,Sales,", "$1,$other,Finance,"));

        assertThat(result.path("created").asLong()).isEqualTo(1);
        assertThat(result.path("quarantined").asLong()).isEqualTo(1);
        assertThat(api.get("/api/v1/identities/" + p + "1").json().path("worker").path("department").stringValue())
            .isEqualTo("Sales");
    }

    /**
     * An export whose date format changed: two rows in three bad, over three batches. Each bad row
     * is held once and the good ones applied; a file with the same rows (and one more) holds none of
     * them again, counting each as held; a row of one of them that is bad in another column is held
     * anew. The rows a batch holds are read and written together, not one statement a row.
     */
    @Test
    void aFileOfBadRowsHoldsEachOnceAndNoneTwiceWhenSentAgain() {
        String p = prefix();
        String[] rows = new String[1200];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = "$" + i + ",$u" + i + ",Sales," + (i % 3 == 0 ? "" : "31.12.2027");
        }
        long open = openQuarantined();

        JsonNode first = upload("sap", "text/csv", csv(p, rows));

        assertThat(first.path("created").asLong()).isEqualTo(400);
        assertThat(first.path("quarantined").asLong()).isEqualTo(800);
        assertThat(openQuarantined()).isEqualTo(open + 800);
        assertThat(api.get("/api/v1/identities/" + p + "1").status()).isEqualTo(404);
        assertThat(state(p + "3")).isEqualTo("ACTIVE");

        String[] more = java.util.Arrays.copyOf(rows, rows.length + 1);
        more[rows.length] = "$new,$unew,Sales,";
        more[4] = "$4,,Sales,31.12.2027"; // bad in another column too: the userName is required
        JsonNode again = upload("sap", "text/csv", csv(p, more));

        assertThat(again.path("created").asLong()).isEqualTo(1);
        assertThat(again.path("unchanged").asLong()).isEqualTo(400);
        assertThat(again.path("quarantined").asLong()).isEqualTo(800);
        assertThat(openQuarantined()).as("only the row bad in another column is held again").isEqualTo(open + 801);
        String audit = api.get("/api/v1/audit?identity=" + p + "2&size=200").json().toString();
        assertThat(audit.split("\"QUARANTINED\"", -1).length - 1).as("held once: " + audit).isEqualTo(1);
    }

    /**
     * A batch of many transitions is told in one INFO line that counts them, its leavers still one line
     * each; a few are told one line each (a million-row first load wrote a million lines).
     */
    @Test
    void aBatchOfManyTransitionsIsOneLogLineAndItsLeaversOneEach() {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
            org.roster.lifecycle.Lifecycle.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
            new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            String p = prefix();
            String[] rows = new String[25];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = "$" + (100 + i) + ",$u" + i + ",Sales,";
            }
            upload("sap", "text/csv", csv(p, rows));
            java.util.List<String> mine = lines.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage())
                .filter(l -> l.contains(p)).toList();
            assertThat(mine).as(mine.toString()).hasSize(1);
            assertThat(mine.get(0)).startsWith("INFO 25 transitions committed together from source sap (25 JOINER), "
                + p + "100 to " + p + "124");

            lines.list.clear();
            String[] moved = rows.clone();
            for (int i = 0; i < 21; i++) {
                moved[i] = "$" + (100 + i) + ",$u" + i + ",Finance,";
            }
            moved[24] = "$124,$u24,Sales,2020-01-31";
            upload("sap", "text/csv", csv(p, moved));
            mine = lines.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).filter(l -> l.contains(p))
                .toList();
            assertThat(mine).as(mine.toString()).hasSize(2);
            assertThat(mine).anySatisfy(l -> assertThat(l).startsWith("INFO LEAVER " + p + "124: ACTIVE -> TERMINATED"));
            assertThat(mine).anySatisfy(l -> assertThat(l).startsWith(
                "INFO 22 transitions committed together from source sap (21 MOVER, 1 LEAVER), " + p + "100 to " + p + "124"));

            lines.list.clear();
            String[] two = java.util.Arrays.copyOf(moved, 27);
            two[25] = "$200,$u200,Sales,";
            two[26] = "$201,$u201,Sales,";
            upload("sap", "text/csv", csv(p, two));
            mine = lines.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).filter(l -> l.contains(p))
                .toList();
            assertThat(mine).as("a few, each told").hasSize(2)
                .allSatisfy(l -> assertThat(l).startsWith("INFO JOINER " + p + "20"));
        } finally {
            logger.detachAppender(lines);
        }
    }

    /**
     * A steward walks the held records page by page while resolving some: the walk goes on from the
     * last record it was given, so one discarded meanwhile does not shift the next page past a record
     * (as reading by offset did).
     */
    @Test
    void walkingTheQuarantineWhileDiscardingMissesNoRecord() {
        String p = prefix();
        String[] rows = new String[130];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = "$" + i + ",$u" + i + ",Sales,not-a-date";
        }
        assertThat(upload("sap", "text/csv", csv(p, rows)).path("quarantined").asLong()).isEqualTo(130);

        java.util.List<String> mine = new java.util.ArrayList<>();
        boolean discarded = false;
        JsonNode page = api.get("/api/v1/quarantine?status=OPEN&size=40").json();
        assertThat(page.path("total").asLong()).isGreaterThanOrEqualTo(130);
        while (true) {
            String first = null;
            for (JsonNode held : page.path("items")) {
                if (held.path("employeeNumber").asString("").startsWith(p)) {
                    mine.add(held.path("employeeNumber").asString());
                    first = first == null ? held.path("id").asString() : first;
                }
            }
            if (first != null && !discarded) {
                // the steward discards a record of the page they have read before asking for the next
                assertThat(api.send("POST", "/api/v1/quarantine/" + first + "/discard", "application/json", "")
                    .status()).isEqualTo(204);
                discarded = true;
            }
            if (page.path("next").isNull()) {
                break;
            }
            page = api.get("/api/v1/quarantine?status=OPEN&size=40&cursor=" + page.path("next").asString()).json();
            assertThat(page.path("total").isNull()).isTrue();
        }
        assertThat(mine).hasSize(130).doesNotHaveDuplicates();
    }

    /**
     * Rows without an employee number share no key: they are held once, and a later file with the
     * same rows finds them among the newest held (read once a batch, not once a row).
     */
    @Test
    void rowsWithoutAnEmployeeNumberAreHeldOnceAcrossFiles() {
        String p = prefix();
        long open = openQuarantined();

        JsonNode first = upload("sap", "text/csv", csv(p, ",$u1,Sales,", ",$u2,Sales,", ",$u2,Sales,", "$3,$u3,Sales,"));

        assertThat(first.path("created").asLong()).isEqualTo(1);
        assertThat(first.path("quarantined").asLong()).isEqualTo(3);
        assertThat(openQuarantined()).as("the repeated row held once").isEqualTo(open + 2);

        JsonNode again = upload("sap", "text/csv", csv(p, ",$u1,Sales,", ",$u2,Sales,", "$3,$u3,Sales,", "$4,$u4,Sales,"));

        assertThat(again.path("created").asLong()).isEqualTo(1);
        assertThat(again.path("quarantined").asLong()).isEqualTo(2);
        assertThat(openQuarantined()).as("found held already").isEqualTo(open + 2);
    }

    private long openQuarantined() {
        return api.get("/api/v1/quarantine?status=OPEN&size=1").json().path("total").asLong();
    }

    /**
     * A batch reads together what its rows would look up one by one (userNames taken, references
     * waiting, identities existing); what an earlier row of the same batch writes must still count.
     */
    @Test
    void whatAnEarlierRowOfTheBatchWroteCountsForTheRowsAfterIt() {
        String p = prefix();
        String lines = String.join("\n",
            "{\"employeeNumber\": \"" + p + "1\", \"userName\": \"" + p + "u1\", \"manager\": \"" + p + "3\"}",
            "{\"employeeNumber\": \"" + p + "2\", \"userName\": \"" + p + "shared\"}",
            "{\"employeeNumber\": \"" + p + "3\", \"userName\": \"" + p + "u3\"}",
            "{\"employeeNumber\": \"" + p + "4\", \"userName\": \"" + p.toLowerCase(java.util.Locale.ROOT) + "SHARED\"}");

        JsonNode result = upload("feed", "application/x-ndjson", lines);

        assertThat(result.path("created").asLong()).isEqualTo(3);
        assertThat(result.path("quarantined").asLong()).as("the userName row 2 took in the same batch").isEqualTo(1);
        assertThat(api.get("/api/v1/identities/" + p + "4").status()).isEqualTo(404);
        JsonNode held = api.get("/api/v1/quarantine?status=OPEN&size=500").json().path("items");
        assertThat(held.valueStream().filter(q -> (p + "4").equals(q.path("employeeNumber").stringValue()))
            .map(q -> q.path("field").stringValue() + ": " + q.path("reason").stringValue()))
            .containsExactly("userName: '" + p.toLowerCase(java.util.Locale.ROOT) + "SHARED' is already taken (row 4)");
        // row 1 named a manager the file has two rows later: applied after them, in the same batch, it finds them
        assertThat(manager(p + "1")).isEqualTo(p + "3");
        assertThat(api.get("/api/v1/audit?identity=" + p + "1").json().toString()).contains("HR_EVENT")
            .doesNotContain("REFERENCE_PENDING");
        assertThat(api.get("/api/v1/identities/" + p + "1").json().path("history").size()).isEqualTo(1);
    }

    /**
     * A file is applied level by level down the manager tree it draws: a report listed (and
     * numbered) before their manager, even three levels down, is stored after them, so no reference
     * is kept pending for a manager the same file brings. A manager the file does not have is still
     * kept pending, a cycle within the file is still held, and batches of 500 cut through the levels.
     */
    @Test
    void aFileIsAppliedManagersFirstSoNoReferenceWaitsForAManagerItBrings() {
        String p = prefix();
        java.util.function.BiFunction<String, String, String> row = (en, manager) -> treeRow(p, en, manager);
        java.util.List<String> lines = new java.util.ArrayList<>();
        // 1 under 2 under 3 under 4, each listed before their manager; 5 under 9x, whom the file does not have;
        // 6 and 7 under each other
        lines.addAll(java.util.List.of(row.apply("1", "2"), row.apply("2", "3"), row.apply("3", "4"), row.apply("4", null),
            row.apply("5", "9x"), row.apply("6", "7"), row.apply("7", "6")));
        for (int i = 0; i < 1_200; i++) { // reports numbered before their managers, three batches' worth
            lines.add(row.apply("a" + String.format("%04d", i), "b" + String.format("%04d", i / 10)));
        }
        for (int i = 0; i < 120; i++) {
            lines.add(row.apply("b" + String.format("%04d", i), "4"));
        }

        JsonNode result = upload("tree", "application/x-ndjson", String.join("\n", lines));

        assertThat(result.path("created").asLong()).as(result.toString()).isEqualTo(1_326);
        assertThat(result.path("quarantined").asLong()).isEqualTo(1);
        assertThat(manager(p + "1")).isEqualTo(p + "2");
        assertThat(manager(p + "3")).isEqualTo(p + "4");
        assertThat(manager(p + "a1199")).isEqualTo(p + "b0119");
        assertThat(pendingReferences(p)).as("only the manager the file does not have, and the cycle's first")
            .containsOnly(java.util.Map.entry(p + "5", p + "9x"), java.util.Map.entry(p + "6", p + "7"));
        assertThat(jdbc.sql("select count(*) from audit_record where identity_key like ? and kind = 'REFERENCE_PENDING'")
            .param(p + "%").query(Long.class).single()).isEqualTo(2);
        JsonNode held = api.get("/api/v1/quarantine?status=OPEN&size=500").json().path("items");
        assertThat(held.valueStream().filter(q -> q.path("employeeNumber").stringValue("").startsWith(p))
            .map(q -> q.path("employeeNumber").stringValue() + ": " + q.path("reason").stringValue()))
            .containsExactly(p + "7: a reference cycle in managers: " + p + "7 -> " + p + "6 -> " + p + "7 (row 7)");
    }

    /**
     * A batch reads its managers' chains together at its start; a manager chain changed by an earlier
     * row of the same batch, or closed through workers stored by an earlier import, is still a cycle,
     * and the row that would close it is held while the others apply.
     */
    @Test
    void aManagerCycleIsHeldThroughStoredWorkersAndThroughTheBatchOwnChanges() {
        String p = prefix();
        java.util.function.BiFunction<String, String, String> row = (en, manager) -> treeRow(p, en, manager);
        // a chain of three, and two workers without a manager
        upload("tree", "application/x-ndjson", String.join("\n", row.apply("1", null), row.apply("2", "1"),
            row.apply("3", "2"), row.apply("4", null), row.apply("5", null)));
        assertThat(manager(p + "3")).isEqualTo(p + "2");
        // each manager came before their report in the batch: known at once, nothing kept pending
        assertThat(api.get("/api/v1/audit?identity=" + p + "3").json().toString()).contains("HR_EVENT")
            .doesNotContain("REFERENCE_PENDING");

        // 4 under 5, then 5 under 4 in the same batch: the second row sees the first's change (the chains read
        // at the batch's start had 4 without a manager)
        JsonNode inBatch = upload("tree", "application/x-ndjson", String.join("\n", row.apply("1", null),
            row.apply("2", "1"), row.apply("3", "2"), row.apply("4", "5"), row.apply("5", "4")));
        // 1 under 3 closes 1 -> 3 -> 2 -> 1 through workers stored by the first import
        JsonNode stored = upload("tree", "application/x-ndjson", String.join("\n", row.apply("1", "3"),
            row.apply("2", "1"), row.apply("3", "2"), row.apply("4", "5"), row.apply("5", null)));

        assertThat(inBatch.path("changed").asLong()).as(inBatch.toString()).isEqualTo(1);
        assertThat(inBatch.path("quarantined").asLong()).isEqualTo(1);
        assertThat(stored.path("changed").asLong()).as(stored.toString()).isZero();
        assertThat(stored.path("quarantined").asLong()).isEqualTo(1);
        JsonNode held = api.get("/api/v1/quarantine?status=OPEN&size=500").json().path("items");
        assertThat(held.valueStream().filter(q -> q.path("employeeNumber").stringValue("").startsWith(p))
            .map(q -> q.path("employeeNumber").stringValue() + " " + q.path("field").stringValue() + ": "
                + q.path("reason").stringValue()))
            .containsExactlyInAnyOrder(
                p + "5 manager: a reference cycle in managers: " + p + "5 -> " + p + "4 -> " + p + "5 (row 5)",
                p + "1 manager: a reference cycle in managers: " + p + "1 -> " + p + "3 -> " + p + "2 -> " + p + "1 (row 1)");
        assertThat(manager(p + "1")).isNull();
        assertThat(manager(p + "4")).isEqualTo(p + "5");
        assertThat(manager(p + "5")).isNull();
    }

    /**
     * A new worker closes a cycle only through someone who names them as manager, whose reference is
     * pending until they arrive: the chain above a new worker's manager is walked then, whether that
     * someone was stored by an earlier import or came earlier in the same batch, and not otherwise.
     */
    @Test
    void aNewWorkerClosesAManagerCycleThroughAReferenceKeptForThem() {
        String p = prefix();
        java.util.function.BiFunction<String, String, String> row = (en, manager) -> treeRow(p, en, manager);
        // 2 under 9, who is not there yet
        upload("tree", "application/x-ndjson", String.join("\n", row.apply("1", null), row.apply("2", "9")));

        // 9 arrives under 2 (9 -> 2 -> 9); in the same batch, 3 under 8, then 8 arrives under 3; 7 arrives under 1
        JsonNode second = upload("tree", "application/x-ndjson", String.join("\n", row.apply("1", null),
            row.apply("2", "9"), row.apply("3", "8"), row.apply("7", "1"), row.apply("8", "3"), row.apply("9", "2")));

        assertThat(second.path("created").asLong()).as(second.toString()).isEqualTo(2); // 3 and 7
        assertThat(second.path("quarantined").asLong()).isEqualTo(2);
        JsonNode held = api.get("/api/v1/quarantine?status=OPEN&size=500").json().path("items");
        assertThat(held.valueStream().filter(q -> q.path("employeeNumber").stringValue("").startsWith(p))
            .map(q -> q.path("employeeNumber").stringValue() + ": " + q.path("reason").stringValue()))
            .containsExactlyInAnyOrder(
                p + "8: a reference cycle in managers: " + p + "8 -> " + p + "3 -> " + p + "8 (row 5)",
                p + "9: a reference cycle in managers: " + p + "9 -> " + p + "2 -> " + p + "9 (row 6)");
        assertThat(manager(p + "7")).isEqualTo(p + "1");
        assertThat(pendingReferences(p)).containsOnly(java.util.Map.entry(p + "2", p + "9"), java.util.Map.entry(p + "3", p + "8"));
    }

    /**
     * A batch reads together which of its workers a stored reference waits for: a manager who
     * arrives in a later import resolves the reference the earlier one kept for their report.
     */
    @Test
    void aManagerArrivingInALaterImportResolvesTheReferenceKeptForThem() {
        String p = prefix();
        String report = "{\"employeeNumber\": \"" + p + "1\", \"userName\": \"" + p + "u1\", \"manager\": \"" + p + "9\"}";
        upload("tree", "application/x-ndjson", report);
        assertThat(jdbc.sql("select reference from hr_pending_reference where employee_number = ?").param(p + "1")
            .query(String.class).list()).containsExactly(p + "9");

        upload("tree", "application/x-ndjson", report + "\n{\"employeeNumber\": \"" + p + "9\", \"userName\": \"" + p
            + "u9\"}");

        assertThat(jdbc.sql("select count(*) from hr_pending_reference where employee_number = ?").param(p + "1")
            .query(Long.class).single()).isZero();
        assertThat(api.get("/api/v1/audit?identity=" + p + "1").json().toString()).contains("REFERENCE_RESOLVED");
    }

    /**
     * The references a batch read ahead are removed with its other writes: a manager arriving
     * resolves both reports waiting for them, and one of those reports, later in the same batch,
     * naming another manager nobody has yet keeps that reference, not the one removed.
     */
    @Test
    void aManagerArrivingResolvesEveryReportWaitingAndALaterRowOfTheBatchKeepsItsNewReference() {
        String p = prefix();
        java.util.function.BiFunction<String, String, String> row = (en, manager) -> treeRow(p, en, manager);
        upload("tree", "application/x-ndjson", row.apply("5", "1") + "\n" + row.apply("6", "1"));
        assertThat(pendingReferences(p)).containsOnly(java.util.Map.entry(p + "5", p + "1"), java.util.Map.entry(p + "6", p + "1"));

        // in employee-number order: a new reference (0's) is written with the batch's others before 1 arrives
        upload("tree", "application/x-ndjson", row.apply("0", "9") + "\n" + row.apply("1", null) + "\n" + row.apply("5", "8")
            + "\n" + row.apply("6", "1"));

        assertThat(pendingReferences(p)).containsOnly(java.util.Map.entry(p + "0", p + "9"), java.util.Map.entry(p + "5", p + "8"));
        for (String report : java.util.List.of("5", "6")) {
            assertThat(api.get("/api/v1/audit?identity=" + p + report).json().toString()).contains("REFERENCE_RESOLVED");
        }
        assertThat(manager(p + "6")).isEqualTo(p + "1");
    }

    /** A JSON line of the "tree" source: a worker {@code p + en}, with manager {@code p + manager} unless null. */
    private static String treeRow(String p, String en, @org.jspecify.annotations.Nullable String manager) {
        return "{\"employeeNumber\": \"" + p + en + "\", \"userName\": \"" + p + "u" + en + "\""
            + (manager == null ? "" : ", \"manager\": \"" + p + manager + "\"") + "}";
    }

    /** Each pending reference of a worker whose employee number starts with the prefix, to whom it refers. */
    private java.util.Map<String, String> pendingReferences(String prefix) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        jdbc.sql("select employee_number, reference from hr_pending_reference where employee_number like ?")
            .param(prefix + "%").query(rs -> {
                out.put(rs.getString(1), rs.getString(2));
            });
        return out;
    }

    /**
     * A batch reads together which of its new workers' personal details another worker has: a new
     * employee number matching a worker stored earlier, or one created earlier in the same batch, is
     * reported for review; a new worker nobody matches is not.
     */
    @Test
    void aNewWorkerWithAnotherWorkersPersonalDetailsIsReportedForReviewFromAnImport() {
        String p = prefix();
        java.util.function.BiFunction<String, String, String> row = (en, person) -> "{\"employeeNumber\": \"" + p + en
            + "\", \"userName\": \"" + p + "u" + en + "\", \"personalEmail\": \"" + person + "@" + p + ".example\","
            + " \"dateOfBirth\": \"1980-02-03\"}";
        upload("tree", "application/x-ndjson", row.apply("1", "ann"));

        // 2 is ann again (stored by the first import); 4 is bob, whom 3 brought in two rows before; 5 is nobody else
        JsonNode result = upload("tree", "application/x-ndjson", String.join("\n", row.apply("1", "ann"),
            row.apply("2", "ann"), row.apply("3", "bob"), row.apply("4", "bob"), row.apply("5", "cy")));

        assertThat(result.path("created").asLong()).as(result.toString()).isEqualTo(4);
        JsonNode reviews = api.get("/api/v1/hr/reviews?status=OPEN&size=500").json().path("items");
        assertThat(reviews.valueStream().filter(r -> r.path("employeeNumber").stringValue("").startsWith(p))
            .map(r -> r.path("kind").stringValue() + " " + r.path("employeeNumber").stringValue() + "/"
                + r.path("related").stringValue()))
            .containsExactlyInAnyOrder("REHIRE_MATCH " + p + "2/" + p + "1", "REHIRE_MATCH " + p + "4/" + p + "3");
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @org.springframework.beans.factory.annotation.Value("${roster.hr.snapshot-import-threads:1}")
    int importThreads;

    private double batches(String applied) {
        return meters.counter("roster.hr.snapshot.batches", "applied", applied).count();
    }

    /**
     * Five batches of new workers, each with what a batch applied alongside the one before it could
     * not see of that one: a userName the batch before claims (in other letters); a manager chain
     * that closes a cycle only through a worker the batch before brings; the personal details of a
     * worker the batch before brings. Each ends as one thread applying the batches in turn leaves
     * it; with two threads, the batches that share nothing go alongside and the others after.
     */
    @Test
    void batchesOfNewWorkersEndAsOneThreadLeavesThemWhateverTheyShare() {
        String p = prefix();
        java.util.function.IntFunction<String> en = i -> p + String.format("%04d", i);
        // x and w are stored first, under 0700 and 1200, whom Roster does not have yet
        upload("tree", "application/x-ndjson", treeRow(p, "x", "0700") + "\n" + treeRow(p, "w", "1200"));
        double alone = batches("alone");
        double alongside = batches("alongside");
        double again = batches("again");
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < 2_500; i++) { // five batches: 0000-0499, ..., 2000-2499
            String userName = switch (i) {
                case 100 -> "clash-" + p;
                case 600 -> "CLASH-" + p; // taken by 0100, in the batch before
                default -> p + "u" + i;
            };
            // 0700 under w, then 1200 under x: 1200 -> x -> 0700 -> w -> 1200, closed by the later
            String manager = switch (i) {
                case 700 -> ", \"manager\": \"" + p + "w\"";
                case 1200 -> ", \"manager\": \"" + p + "x\"";
                default -> "";
            };
            String person = i == 1600 || i == 2100 ? ", \"personalEmail\": \"ann@" + p + ".example\", \"dateOfBirth\":"
                + " \"1980-02-03\"" : "";
            lines.add("{\"employeeNumber\": \"" + en.apply(i) + "\", \"userName\": \"" + userName + "\"" + manager + person
                + "}");
        }

        JsonNode result = upload("tree", "application/x-ndjson", String.join("\n", lines));

        assertThat(result.path("created").asLong()).as(result.toString()).isEqualTo(2_498);
        assertThat(result.path("quarantined").asLong()).isEqualTo(2);
        assertThat(api.get("/api/v1/identities/" + en.apply(600)).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/identities/" + en.apply(1200)).status()).isEqualTo(404);
        JsonNode held = api.get("/api/v1/quarantine?status=OPEN&size=500").json().path("items");
        assertThat(held.valueStream().filter(q -> q.path("employeeNumber").stringValue("").startsWith(p))
            .map(q -> q.path("employeeNumber").stringValue() + " " + q.path("field").stringValue()))
            .containsExactlyInAnyOrder(en.apply(600) + " userName", en.apply(1200) + " manager");
        assertThat(pendingReferences(p)).as("x's manager arrived in the second batch; w's was held")
            .containsOnly(java.util.Map.entry(p + "w", en.apply(1200)));
        assertThat(manager(p + "x")).isEqualTo(en.apply(700));
        JsonNode reviews = api.get("/api/v1/hr/reviews?status=OPEN&size=500").json().path("items");
        assertThat(reviews.valueStream().filter(r -> r.path("employeeNumber").stringValue("").startsWith(p))
            .map(r -> r.path("employeeNumber").stringValue() + "/" + r.path("related").stringValue()))
            .containsExactly(en.apply(2100) + "/" + en.apply(1600));
        assertThat(jdbc.sql("select count(*) from identity where employee_number like ?").param(p + "%")
            .query(Long.class).single()).isEqualTo(2_500); // 2 498 and x and w
        assertThat(jdbc.sql("select count(*) from hr_snapshot_row where source = 'tree' and employee_number like ?")
            .param(p + "%").query(Long.class).single()).isEqualTo(2_500); // the same: x and w are only reported missing
        if (importThreads == 1) {
            assertThat(batches("alone") - alone).isEqualTo(5);
            assertThat(batches("alongside") - alongside + batches("again") - again).isZero();
        } else {
            // 1 and 2 share a userName; 2 and 3 share nothing the rows tell, but 3 brings a worker Roster waits
            // for (w's manager); 3 and 4 share nothing; 4 and 5 share a person
            assertThat(batches("alone") - alone).as("the first, the second, the fifth").isEqualTo(3);
            assertThat(batches("again") - again).as("the third").isEqualTo(1);
            assertThat(batches("alongside") - alongside).as("the fourth").isEqualTo(1);
        }
    }

    /**
     * A batch that fails at its commit (here the store refuses one of its workers) ends the import:
     * the batches before it stay applied and none after it is, with one thread or with two (where the
     * batch after it was being written alongside, and is rolled back).
     */
    @Test
    void aBatchThatFailsEndsTheImportWithTheBatchesBeforeItAppliedAndNoneAfter() {
        String p = prefix();
        java.util.function.IntFunction<String> en = i -> p + String.format("%04d", i);
        StringBuilder file = new StringBuilder("PERNR,USERID,ORGEH,ENDDA\n");
        for (int i = 0; i < 2_500; i++) { // five batches; the third holds 1250
            file.append(en.apply(i)).append(',').append(p).append('u').append(i).append(",Sales,\n");
        }
        jdbc.sql("alter table hr_worker add constraint refuse_" + p + " check (employee_number <> '" + en.apply(1250) + "')")
            .update();
        try {
            assertThatThrownBy(() -> importing("sap", file.toString(), null))
                .isInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);
        } finally {
            jdbc.sql("alter table hr_worker drop constraint refuse_" + p).update();
        }

        assertThat(jdbc.sql("select count(*) from hr_worker where employee_number like ?").param(p + "%")
            .query(Long.class).single()).as("the first two batches").isEqualTo(1_000);
        assertThat(jdbc.sql("select max(employee_number) from hr_worker where employee_number like ?").param(p + "%")
            .query(String.class).single()).isEqualTo(en.apply(999));
        assertThat(jdbc.sql("select count(*) from identity where employee_number like ?").param(p + "%")
            .query(Long.class).single()).isEqualTo(1_000);
        assertThat(jdbc.sql("select count(*) from hr_snapshot_row where employee_number like ?").param(p + "%")
            .query(Long.class).single()).isEqualTo(1_000);
        assertThat(jdbc.sql("select count(distinct identity_key) from outbox where identity_key like ?").param(p + "%")
            .query(Long.class).single()).as("operations planned for the first two batches' workers alone").isEqualTo(1_000);
        assertThat(jdbc.sql("select max(identity_key) from outbox where identity_key like ?").param(p + "%")
            .query(String.class).single()).isEqualTo(en.apply(999));

        // sent again once the store takes it: the rest is applied, and the first two batches are unchanged
        SnapshotImport.Summary again = importing("sap", file.toString(), null);
        assertThat(again.created()).isEqualTo(1_500);
        assertThat(again.unchanged()).isEqualTo(1_000);
    }

    private @org.jspecify.annotations.Nullable String manager(String en) {
        return api.get("/api/v1/identities/" + en).json().path("worker").path("managerEmployeeNumber").stringValue(null);
    }

    /**
     * Enough changed workers in one batch that their rows are written together (one statement per
     * table on PostgreSQL): each keeps its own new values, and the next identical file finds every
     * row unchanged.
     */
    @Test
    void aBatchOfChangedWorkersIsStoredEachWithItsOwnValues() {
        String p = prefix();
        String[] rows = new String[40];
        for (int i = 0; i < 40; i++) {
            rows[i] = "$" + i + ",$u" + i + ",Sales,";
        }
        upload("sap", "text/csv", csv(p, rows));
        for (int i = 0; i < 40; i += 2) { // every other worker: another department, a new userName, or leaving
            rows[i] = "$" + i + ",$" + (i % 4 == 0 ? "v" : "u") + i + ",Dept" + i + "," + (i % 8 == 0 ? "2020-01-31" : "");
        }
        String changed = csv(p, rows);

        JsonNode second = upload("sap", "text/csv", changed);
        JsonNode third = upload("sap", "text/csv", changed);

        assertThat(second.path("changed").asLong()).isEqualTo(20);
        assertThat(third.path("changed").asLong()).as("every changed row's hash was stored").isZero();
        assertThat(third.path("unchanged").asLong()).isEqualTo(40);
        for (int i = 0; i < 40; i++) {
            JsonNode identity = api.get("/api/v1/identities/" + p + i).json();
            JsonNode worker = identity.path("worker");
            assertThat(worker.path("department").stringValue()).as("%s%d", p, i).isEqualTo(i % 2 == 0 ? "Dept" + i : "Sales");
            assertThat(worker.path("userName").stringValue()).isEqualTo(p + (i % 4 == 0 ? "v" : "u") + i);
            assertThat(identity.path("state").stringValue()).as("%s%d", p, i).isEqualTo(i % 8 == 0 ? "TERMINATED" : "ACTIVE");
        }
        Api.Response byNewName = api.get("/scim/v2/Users?filter=" + java.net.URLEncoder.encode(
            "userName eq \"" + p + "v4\"", java.nio.charset.StandardCharsets.UTF_8));
        assertThat(byNewName.json().path("totalResults").asInt()).isEqualTo(1);
    }

    /**
     * A batch reads its workers' scheduled changes together, and keeps one whose moment did not
     * change (with the HR event that set it), moves one whose end date moved, drops one whose end date
     * went and adds one for a new end date: twenty of each in one batch, enough for PostgreSQL to move
     * them in one statement.
     */
    @Test
    void aBatchKeepsMovesDropsAndAddsItsWorkersScheduledChanges() {
        String p = prefix();
        String[] rows = new String[80];
        for (int i = 0; i < 80; i++) {
            rows[i] = "$" + i + ",$u" + i + ",Sales," + (i % 4 == 3 ? "" : "2099-06-30");
        }
        upload("sap", "text/csv", csv(p, rows));
        java.util.Map<String, java.util.List<Object>> before = schedules(p);
        for (int i = 0; i < 80; i++) {
            rows[i] = "$" + i + ",$u" + i + "," + switch (i % 4) {
                case 0 -> "Legal,2099-06-30"; // only the department changes
                case 1, 3 -> "Sales,2099-09-30"; // the end date moves, or comes
                default -> "Sales,"; // the end date goes
            };
        }
        String[] withNew = java.util.Arrays.copyOf(rows, 81);
        withNew[80] = "$new,$unew,Sales,2099-09-30";

        JsonNode second = upload("sap", "text/csv", csv(p, withNew));

        assertThat(second.path("changed").asLong()).isEqualTo(80);
        java.util.Map<String, java.util.List<Object>> after = schedules(p);
        Object moved = after.get(p + "new").get(0);
        assertThat(moved).isNotEqualTo(before.get(p + "1").get(0));
        for (int i = 0; i < 80; i++) {
            String en = p + i;
            switch (i % 4) {
                case 0 -> assertThat(after.get(en)).as("%s: kept, with the event that set it", en).isEqualTo(before.get(en));
                case 1 -> {
                    assertThat(after.get(en).get(0)).as("%s: moved", en).isEqualTo(moved);
                    assertThat(after.get(en).get(1)).as("%s: by the event that moved it", en).isNotEqualTo(before.get(en).get(1));
                }
                case 2 -> assertThat(after).as("%s: dropped", en).doesNotContainKey(en);
                default -> assertThat(after.get(en).get(0)).as("%s: added", en).isEqualTo(moved);
            }
        }
    }

    /** Each identity's scheduled change whose employee number starts with the prefix: its moment and HR event. */
    private java.util.Map<String, java.util.List<Object>> schedules(String prefix) {
        java.util.Map<String, java.util.List<Object>> out = new java.util.HashMap<>();
        jdbc.sql("select employee_number, due_at, hr_event_id from lifecycle_schedule where employee_number like ?")
            .param(prefix + "%").query(rs -> {
                out.put(rs.getString(1), java.util.List.of(rs.getTimestamp(2).toInstant(), rs.getString(3)));
            });
        return out;
    }

    @Test
    void jsonArrayAndJsonLinesAreReadToo() {
        String p = prefix();
        String array = "[{\"employeeNumber\": \"" + p + "1\", \"userName\": \"" + p + "a\", \"workerType\": \"contractor\","
            + " \"active\": true}, {\"employeeNumber\": \"" + p + "2\", \"userName\": \"" + p + "b\"}]";
        String lines = "{\"employeeNumber\": \"" + p + "3\", \"userName\": \"" + p + "c\"}\n"
            + "{\"employeeNumber\": \"" + p + "4\", \"userName\": \"" + p + "d\"}\n";

        assertThat(upload("feed", "application/json", array).path("created").asLong()).isEqualTo(2);
        assertThat(upload("feed", "application/x-ndjson", lines).path("created").asLong()).isEqualTo(2);
        assertThat(api.get("/api/v1/identities/" + p + "1").json().path("worker").path("workerType").stringValue())
            .isEqualTo("CONTRACTOR");
    }

    @Test
    void terminateModeTerminatesAFewMissingWorkersButNotAMassDisappearance() {
        // a source of its own, so other tests' rows do not count
        String p = prefix();
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            all.append("{\"employeeNumber\": \"").append(p).append(i).append("\", \"userName\": \"").append(p)
                .append("n").append(i).append("\"}\n");
        }
        api.send("POST", "/api/v1/hr/snapshots?source=feed", "application/x-ndjson", all.toString());
        String withoutOne = all.toString().replace("{\"employeeNumber\": \"" + p + "9\", \"userName\": \"" + p + "n9\"}\n", "");

        JsonNode one = upload("feed", "application/x-ndjson", withoutOne);
        assertThat(one.path("disappearedSample").toString()).contains(p + "9");
        assertThat(state(p + "9")).isEqualTo("TERMINATED");

        JsonNode many = upload("feed", "application/x-ndjson", "{\"employeeNumber\": \"" + p + "0\", \"userName\": \""
            + p + "n0\"}\n");
        assertThat(many.path("terminated").asLong()).isZero();
        assertThat(state(p + "5")).isEqualTo("ACTIVE");
        assertThat(api.get("/api/v1/audit?identity=" + p + "5").json().toString()).contains("above the 30.0% limit");
    }

    /**
     * More workers missing than one transaction takes (550, in batches of 500): each is terminated
     * and reported once, the file sent again finds none missing, and the workers it names stay.
     */
    @Test
    void workersMissingFromAFileAreTerminatedInBatchesEachOnce() {
        String p = prefix();
        StringBuilder all = new StringBuilder();
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            String row = "{\"employeeNumber\": \"" + p + i + "\", \"userName\": \"" + p + "n" + i + "\"}\n";
            all.append(row);
            if (i >= 550) {
                kept.append(row);
            }
        }
        assertThat(upload("leavers", "application/x-ndjson", all.toString()).path("created").asLong()).isEqualTo(2_000);

        JsonNode second = upload("leavers", "application/x-ndjson", kept.toString());
        JsonNode third = upload("leavers", "application/x-ndjson", kept.toString());

        assertThat(second.path("disappeared").asLong()).as(second.toString()).isEqualTo(550);
        assertThat(second.path("terminated").asLong()).isEqualTo(550);
        assertThat(third.path("disappeared").asLong()).as("their rows went with them").isZero();
        for (int i : new int[] {0, 499, 500, 549}) {
            assertThat(state(p + i)).as("%s%d", p, i).isEqualTo("TERMINATED");
        }
        assertThat(state(p + 550)).isEqualTo("ACTIVE");
        assertThat(jdbc.sql("select count(*) from audit_record where kind = 'SNAPSHOT_MISSING' and identity_key like ?")
            .param(p + "%").query(Long.class).single()).isEqualTo(550);
        assertThat(jdbc.sql("select count(*) from hr_event where employee_number like ?")
            .param(p + "%").query(Long.class).single()).as("2 000 joiners, 550 leavers").isEqualTo(2_550);
    }

    @Test
    void aRowRepeatedInALaterBatchIsHeldAndAQuarantinedRowIsNotALeaver() {
        String p = prefix();
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < 600; i++) { // more than one batch of 500
            first.append("{\"employeeNumber\": \"").append(p).append(i).append("\", \"userName\": \"").append(p)
                .append("u").append(i).append("\"}\n");
        }
        assertThat(upload("bulk", "application/x-ndjson", first.toString()).path("created").asLong()).isEqualTo(600);

        String second = first.toString()
            .replace("{\"employeeNumber\": \"" + p + "5\", \"userName\": \"" + p + "u5\"}",
                "{\"employeeNumber\": \"" + p + "5\", \"userName\": \"" + p + "u5\", \"workerType\": \"robot\"}")
            .replace("{\"employeeNumber\": \"" + p + "599\", \"userName\": \"" + p + "u599\"}\n", "")
            + "{\"employeeNumber\": \"" + p + "1\", \"userName\": \"" + p + "u1\"}\n";
        JsonNode result = upload("bulk", "application/x-ndjson", second);

        assertThat(result.path("quarantined").asLong()).as(result.toString()).isEqualTo(2);
        assertThat(result.path("unchanged").asLong()).isEqualTo(598);
        assertThat(result.path("disappeared").asLong()).isEqualTo(1);
        assertThat(result.path("disappearedSample").toString()).contains(p + "599");
        assertThat(state(p + "599")).isEqualTo("TERMINATED");
        assertThat(state(p + "5")).as("its row was held, not missing: not a leaver").isEqualTo("ACTIVE");
        assertThat(api.get("/api/v1/quarantine?source=bulk").body()).contains("appears twice");
    }

    @Test
    void unreadableFileIsRefusedWithTheRowAndNothingIsApplied() {
        String p = prefix();
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            rows.append(p).append(i).append(',').append(p).append('u').append(i).append(",Sales,\n");
        }
        upload("sap", "text/csv", "PERNR,USERID,ORGEH,ENDDA\n" + rows);

        // forty changed rows, more than the sort budget holds (so some are already in a run on disk), then a break
        Api.Response r = api.send("POST", "/api/v1/hr/snapshots?source=sap", "text/csv",
            "PERNR,USERID,ORGEH,ENDDA\n" + rows.toString().replace(",Sales,", ",Finance,")
                + p + "new,newcomer,Sales,\n\"unterminated,quote\n");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("detail").stringValue()).contains("row 42").contains("nothing was applied")
            .contains("were not evaluated");
        assertThat(api.get("/api/v1/identities/" + p + "1").json().path("history").toString())
            .as("a row before the break is not applied").doesNotContain("Finance");
        assertThat(api.get("/api/v1/identities/" + p + "39").json().path("worker").path("department").stringValue())
            .isEqualTo("Sales");
        assertThat(api.get("/api/v1/identities/" + p + "new").status()).isEqualTo(404);
        assertThat(state(p + "2")).isEqualTo("ACTIVE");

        JsonNode same = upload("sap", "text/csv", "PERNR,USERID,ORGEH,ENDDA\n" + rows);
        assertThat(same.path("unchanged").asLong()).as("the refused file left the stored snapshot as it was")
            .isEqualTo(40);
    }

    @Test
    void aFileInNoOrderIsAppliedByEmployeeNumberAndTheFirstOfTwoRowsForOneWorkerWins() {
        String p = prefix();
        StringBuilder file = new StringBuilder("PERNR,USERID,ORGEH,ENDDA\n");
        for (int i = 59; i >= 0; i--) {
            file.append(p).append(String.format(java.util.Locale.ROOT, "%02d", i)).append(',').append(p).append('u')
                .append(i).append(i % 2 == 0 ? ",Sales," : ",Finance,").append('\n');
        }
        // row 61: a second row for the worker of row 1, which sorts last among the sixty
        file.append(p).append("59,").append(p).append("other,Legal,\n");

        JsonNode result = upload("sap", "text/csv", file.toString());

        assertThat(result.path("created").asLong()).as(result.toString()).isEqualTo(60);
        assertThat(result.path("quarantined").asLong()).isEqualTo(1);
        JsonNode worker = api.get("/api/v1/identities/" + p + "59").json().path("worker");
        assertThat(worker.path("department").stringValue()).as("the file's first row for the worker").isEqualTo("Finance");
        assertThat(api.get("/api/v1/quarantine?source=sap").body()).contains(p + "59 appears twice in the snapshot (row 61)");
        assertThat(api.get("/api/v1/identities/" + p + "00").json().path("worker").path("department").stringValue())
            .isEqualTo("Sales");
        assertThat(upload("sap", "text/csv", file.toString()).path("unchanged").asLong()).isEqualTo(60);
    }

    @Test
    void unknownFormatAndSourceAreNamed() {
        Api.Response format = api.send("POST", "/api/v1/hr/snapshots?source=sap", "application/xml", "<x/>");
        assertThat(format.status()).isEqualTo(400);
        assertThat(format.json().path("field").stringValue()).isEqualTo("Content-Type");
        Api.Response source = api.send("POST", "/api/v1/hr/snapshots?source=nope", "text/csv", "a\n1\n");
        assertThat(source.json().path("field").stringValue()).isEqualTo("source");
    }
}
