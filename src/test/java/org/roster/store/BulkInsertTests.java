package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.roster.support.Databases;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Rows written together ({@code COPY} on PostgreSQL) read back exactly as an INSERT would have stored them. */
class BulkInsertTests {

    private static final String EVENT = "id, employee_number, source, change_kind, received_at, record";

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void everyValueComesBackAsWritten(Databases.Kind kind) {
        JdbcTemplate jdbc = new JdbcTemplate(Databases.fresh(kind));
        Instant at = Instant.parse("2026-12-03T06:30:00.123456Z");
        String awkward = "tab\there, line\nbreak, return\r, back\\slash, \\N, \\t, émile 名前 \uD83D\uDE00, \"quoted\", ;,";
        List<Object[]> events = new ArrayList<>(List.of(
            new Object[] {"e1", "E1", "hr", "CREATE", Timestamp.from(at), awkward},
            new Object[] {"e2", "E2", "hr", "UPDATE", Timestamp.from(at.plusSeconds(1)), ""}));
        events.addAll(filler(BulkInsert.COPY_FROM)); // enough rows for COPY on PostgreSQL
        BulkInsert.insert(jdbc, "hr_event", EVENT, events);
        BulkInsert.insert(jdbc, "lifecycle_event",
            "employee_number, kind, from_state, to_state, changes, hr_event_id, effective_at, occurred_at, late_ms",
            List.<Object[]>of(new Object[] {"E1", "JOINER", null, "ACTIVE", "[]", "e1", null, Timestamp.from(at),
                Long.MAX_VALUE}));
        BulkInsert.insert(jdbc, "target_account", "target, identity_key, enabled, attributes, entitlements, updated_at",
            List.of(new Object[] {"dir", "E1", true, "{}", "[]", Timestamp.from(at)},
                new Object[] {"dir", "E2", false, "{}", "[]", Timestamp.from(at)}));

        assertThat(jdbc.queryForObject("select record from hr_event where id = 'e1'", String.class)).isEqualTo(awkward);
        assertThat(jdbc.queryForObject("select record from hr_event where id = 'e2'", String.class)).isEmpty();
        assertThat(jdbc.queryForObject("select received_at from hr_event where id = 'e1'", Timestamp.class).toInstant())
            .isEqualTo(at);
        Map<String, Object> transition = jdbc.queryForMap("select from_state, effective_at, late_ms from lifecycle_event");
        assertThat(transition.get("from_state")).isNull();
        assertThat(transition.get("effective_at")).isNull();
        assertThat(((Number) transition.get("late_ms")).longValue()).isEqualTo(Long.MAX_VALUE);
        assertThat(jdbc.queryForList("select enabled from target_account order by identity_key", Boolean.class))
            .containsExactly(true, false);
    }

    /**
     * On PostgreSQL the rows are sent a chunk of {@value BinaryCopy#CHUNK} bytes at a time: strings
     * longer than a chunk, strings that end a chunk part-way, characters of two, three and four bytes
     * where a chunk ends, come back as written, in every row.
     */
    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void rowsSentInChunksComeBackAsWritten(Databases.Kind kind) {
        JdbcTemplate jdbc = new JdbcTemplate(Databases.fresh(kind));
        java.util.Random random = new java.util.Random(5);
        String[] odd = {"é", "名", "\uD83D\uDE00", "\t", "\\"};
        List<Object[]> rows = new ArrayList<>();
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            StringBuilder record = new StringBuilder();
            int length = switch (i % 50) {
                case 0 -> BinaryCopy.CHUNK - 3; // with its length, longer than a chunk; plain ASCII
                case 1 -> BinaryCopy.CHUNK - 4; // as long as a chunk holds after its length
                default -> random.nextInt(3000);
            };
            while (record.length() < length) {
                record.append((char) ('a' + random.nextInt(26)));
            }
            if (i % 3 == 0) { // not ASCII somewhere: the encoder's other way
                record.insert(random.nextInt(record.length() + 1), odd[random.nextInt(odd.length)]);
            }
            if (i % 50 == 2) {
                record.append("名".repeat(BinaryCopy.CHUNK / 2)); // longer than a chunk once encoded
            }
            records.add(record.toString());
            rows.add(new Object[] {"e" + i, "E" + i, "hr", "CREATE", Timestamp.from(Instant.EPOCH.plusSeconds(i)),
                record.toString()});
        }
        BulkInsert.insert(jdbc, "hr_event", EVENT, rows);

        List<String> stored = jdbc.queryForList("select record from hr_event order by seq", String.class);
        assertThat(stored).hasSize(records.size());
        for (int i = 0; i < records.size(); i++) {
            assertThat(stored.get(i)).as("row %d", i).isEqualTo(records.get(i));
        }
        assertThat(jdbc.queryForList("select employee_number from hr_event order by seq", String.class))
            .startsWith("E0", "E1", "E2").endsWith("E399");
    }

    /** A string with half a surrogate pair is stored as Java encodes it to UTF-8 (the half as "?"), as before. */
    @org.junit.jupiter.api.Test
    void halfASurrogatePairIsStoredAsJavaEncodesIt() {
        JdbcTemplate jdbc = new JdbcTemplate(Databases.fresh(Databases.Kind.POSTGRESQL));
        List<Object[]> rows = filler(BulkInsert.COPY_FROM);
        rows.add(new Object[] {"half", "E", "hr", "CREATE", Timestamp.from(Instant.EPOCH), "a\uD800b"});
        BulkInsert.insert(jdbc, "hr_event", EVENT, rows);

        assertThat(jdbc.queryForObject("select record from hr_event where id = 'half'", String.class)).isEqualTo("a?b");
    }

    @org.junit.jupiter.api.Test
    void timestampsAreWrittenAsInstantWritesThem() {
        java.util.Random random = new java.util.Random(7);
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.parse("0001-01-01T00:00:00Z"),
            Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("2026-12-03T06:30:00.100Z"),
            Instant.parse("2026-12-03T06:30:00.000100Z"), Instant.parse("2026-12-03T06:30:00.000000100Z"),
            Instant.parse("-0001-06-01T00:00:00Z"), Instant.parse("+10000-01-01T00:00:00Z"), Instant.MAX));
        for (int i = 0; i < 10_000; i++) {
            long second = random.nextLong(Instant.parse("0001-01-01T00:00:00Z").getEpochSecond(),
                Instant.parse("9999-12-31T23:59:59Z").getEpochSecond());
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(second, nano));
        }
        for (Instant at : instants) {
            StringBuilder direct = new StringBuilder();
            BulkInsert.append(direct, at);
            assertThat(direct).as("%s", at).hasToString(at.toString());
        }
        StringBuilder fromTimestamp = new StringBuilder();
        BulkInsert.append(fromTimestamp, Timestamp.from(Instant.parse("2026-12-03T06:30:00.123456Z")));
        assertThat(fromTimestamp).hasToString("2026-12-03T06:30:00.123456Z");
    }

    @org.junit.jupiter.api.Test
    void numbersAndEscapesAreWrittenAsCopyReadsThem() {
        StringBuilder text = new StringBuilder();
        BulkInsert.append(text, Long.MIN_VALUE);
        BulkInsert.append(text.append('|'), 42);
        BulkInsert.append(text.append('|'), "a\\b\tc\nd\re");
        BulkInsert.append(text.append('|'), null);
        BulkInsert.append(text.append('|'), "\t");
        assertThat(text).hasToString("-9223372036854775808|42|a\\\\b\\tc\\nd\\re|\\N|\\t");
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aDuplicateKeyFailsAsAnInsertDoesAndLeavesNothingOfTheBatch(Databases.Kind kind) {
        DataSource ds = Databases.fresh(kind);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        BulkInsert.insert(jdbc, "hr_event", EVENT,
            List.<Object[]>of(new Object[] {"e1", "E1", "hr", "CREATE", Timestamp.from(Instant.EPOCH), "{}"}));
        TransactionTemplate tx = new TransactionTemplate(new JdbcTransactionManager(ds));

        List<Object[]> rows = filler(BulkInsert.COPY_FROM);
        rows.add(new Object[] {"e1", "E1", "hr", "CREATE", Timestamp.from(Instant.EPOCH), "{}"});

        assertThatThrownBy(() -> tx.executeWithoutResult(s -> BulkInsert.insert(jdbc, "hr_event", EVENT, rows)))
            .isInstanceOf(DuplicateKeyException.class);
        assertThat(jdbc.queryForList("select id from hr_event", String.class)).containsExactly("e1");
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aValueThatCannotBeWrittenFailsTheWholeBatchAndTheConnectionServesTheNext(Databases.Kind kind) {
        DataSource ds = Databases.fresh(kind);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        TransactionTemplate tx = new TransactionTemplate(new JdbcTransactionManager(ds));
        // a few hundred kilobytes of rows ahead of the bad value
        List<Object[]> rows = new ArrayList<>();
        String filler = "x".repeat(1000);
        for (int i = 0; i < 200; i++) {
            rows.add(new Object[] {"e" + i, "E" + i, "hr", "CREATE", Timestamp.from(Instant.EPOCH), filler});
        }
        rows.add(new Object[] {"bad", "E", "hr", "CREATE", Timestamp.from(Instant.EPOCH), new Object()});

        for (int attempt = 0; attempt < 3; attempt++) { // the pool's connections each come back usable
            assertThatThrownBy(() -> tx.executeWithoutResult(s -> BulkInsert.insert(jdbc, "hr_event", EVENT, rows)))
                .hasMessageContaining(kind == Databases.Kind.POSTGRESQL ? "cannot copy a java.lang.Object"
                    : "NotSerializableException: java.lang.Object");
        }
        assertThat(jdbc.queryForObject("select count(*) from hr_event", Long.class)).isZero();
        tx.executeWithoutResult(s -> BulkInsert.insert(jdbc, "hr_event", EVENT, rows.subList(0, rows.size() - 1)));
        assertThat(jdbc.queryForObject("select count(*) from hr_event", Long.class)).isEqualTo(rows.size() - 1);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void identityColumnsFollowTheOrderOfTheRows(Databases.Kind kind) {
        JdbcTemplate jdbc = new JdbcTemplate(Databases.fresh(kind));
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            rows.add(new Object[] {"E" + i, "JOINER", null, "ACTIVE", "[]", "e" + i, null, Timestamp.from(Instant.EPOCH), null});
        }
        BulkInsert.insert(jdbc, "lifecycle_event",
            "employee_number, kind, from_state, to_state, changes, hr_event_id, effective_at, occurred_at, late_ms", rows);

        List<String> inOrder = jdbc.queryForList("select employee_number from lifecycle_event order by seq", String.class);
        assertThat(inOrder).hasSize(300).startsWith("E0", "E1", "E2").endsWith("E299");
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aFewRowsAreWrittenAsInsertsAndComeBackTheSame(Databases.Kind kind) {
        JdbcTemplate jdbc = new JdbcTemplate(Databases.fresh(kind));
        BulkInsert.insert(jdbc, "hr_event", EVENT,
            List.<Object[]>of(new Object[] {"e1", "E1", "hr", "CREATE", Timestamp.from(Instant.EPOCH), "a\tb\nc"}));

        assertThat(jdbc.queryForObject("select record from hr_event", String.class)).isEqualTo("a\tb\nc");
    }

    /** Rows of hr_event that only make a batch large enough. */
    private static List<Object[]> filler(int count) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(new Object[] {"filler-" + i, "F" + i, "hr", "CREATE", Timestamp.from(Instant.EPOCH), "{}"});
        }
        return rows;
    }

    @org.junit.jupiter.api.Test
    void aValueOfAnotherTypeIsRefusedRatherThanWrittenAsText() {
        assertThatThrownBy(() -> BulkInsert.append(new StringBuilder(), new java.util.Date()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.util.Date");
    }

    /**
     * A fraction in nanoseconds becomes the microsecond PostgreSQL reads from its nine digits
     * ({@code rint(strtod("0." + digits) * 1000000)}; Java's {@code parseDouble} rounds as a correct
     * {@code strtod} does). Every nanosecond value was checked once outside the tests; here a
     * million of them, halves of a microsecond and their neighbours included.
     */
    @org.junit.jupiter.api.Test
    void aFractionInNanosecondsIsRoundedAsTheServerReadsItsDigits() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        List<String> differ = new ArrayList<>();
        for (int i = 0; i < 1_000_000; i++) {
            int nano = switch (i % 4) {
                case 0 -> random.nextInt(1_000_000_000);
                case 1 -> random.nextInt(1_000_000) * 1000 + 500;
                case 2 -> random.nextInt(1_000_000) * 1000 + 499;
                default -> random.nextInt(1_000_000) * 1000 + 501;
            };
            String digits = Integer.toString(1_000_000_000 + nano).substring(1);
            long expected = (long) Math.rint(Double.parseDouble("0." + digits) * 1_000_000);
            Long micros = BinaryCopy.micros(Instant.ofEpochSecond(946_684_800L, nano)); // PostgreSQL's epoch: the fraction
            if (micros == null || micros != expected) {
                differ.add(String.format("%09d ns: %s, not %d", nano, micros, expected));
            }
        }
        assertThat(differ).isEmpty();
    }

    /**
     * On PostgreSQL the rows go in COPY's binary format: each timestamp must keep the microsecond the
     * server reads from the text form (its fraction parsed as a double and rounded), nanoseconds,
     * halves of a microsecond and the last instant of a second included.
     */
    @org.junit.jupiter.api.Test
    void binaryRowsStoreWhatTheServerReadsFromText() throws Exception {
        DataSource ds = Databases.fresh(Databases.Kind.POSTGRESQL);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        java.util.Random random = new java.util.Random(11);
        List<Instant> instants = new ArrayList<>(List.of(Instant.parse("0001-01-01T00:00:00Z"),
            Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("1999-12-31T23:59:59.9999995Z"),
            Instant.parse("2026-12-03T06:30:00.0000005Z"), Instant.parse("2026-12-03T06:30:00.0000015Z"),
            Instant.parse("2026-12-03T06:30:00.0000025Z"), Instant.parse("2026-12-03T06:30:00.123Z"),
            Instant.parse("2026-12-03T06:30:00.123456Z"), Instant.parse("1969-12-31T23:59:59.999999500Z")));
        for (int i = 0; i < 3000; i++) {
            instants.add(Instant.ofEpochSecond(random.nextLong(-2_000_000_000L, 4_000_000_000L),
                i % 2 == 0 ? random.nextInt(1_000_000_000) : random.nextInt(1_000_000) * 1000 + 500));
        }
        List<Object[]> binary = new ArrayList<>();
        List<Object[]> text = new ArrayList<>();
        for (int i = 0; i < instants.size(); i++) {
            Instant at = instants.get(i);
            binary.add(new Object[] {"b" + i, "E" + i, "hr", "CREATE", i % 2 == 0 ? Timestamp.from(at) : at, "{}"});
            text.add(new Object[] {"t" + i, "E" + i, "hr", "CREATE", at.toString(), "{}"});
        }
        try (java.sql.Connection c = ds.getConnection()) {
            assertThat(BinaryCopy.fits(c, "hr_event", EVENT, binary)).as("sent in binary").isTrue();
        }
        BulkInsert.insert(jdbc, "hr_event", EVENT, binary);
        jdbc.batchUpdate("insert into hr_event (id, employee_number, source, change_kind, received_at, record)"
            + " values (?, ?, ?, ?, cast(? as timestamp with time zone), ?)", text);

        assertThat(jdbc.queryForObject("select count(*) from hr_event b join hr_event t on t.id = 't' || substr(b.id, 2)"
            + " where b.id like 'b%' and b.received_at = t.received_at", Long.class)).isEqualTo(instants.size());
    }

    @org.junit.jupiter.api.Test
    void rowsGoAsTextWhenAColumnOrAValueHasNoBinaryFormHere() throws Exception {
        DataSource ds = Databases.fresh(Databases.Kind.POSTGRESQL);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        try (java.sql.Connection c = ds.getConnection()) {
            assertThat(BinaryCopy.fits(c, "sponsorship", "employee_number, sponsor, end_date, status, created_at, created_by",
                List.<Object[]>of(new Object[] {"C1", "E1", "2027-01-31", "ACTIVE", Timestamp.from(Instant.EPOCH), "me"})))
                .as("a date column").isFalse();
            assertThat(BinaryCopy.fits(c, "lifecycle_event", "employee_number, kind, to_state, changes, occurred_at, late_ms",
                List.<Object[]>of(new Object[] {"E1", "JOINER", "ACTIVE", "[]", Timestamp.from(Instant.EPOCH), "12"})))
                .as("a string for a number").isFalse();
            assertThat(BinaryCopy.fits(c, "hr_event", EVENT, List.<Object[]>of(
                new Object[] {"e", "E", "hr", "CREATE", Instant.parse("+10000-01-01T00:00:00Z"), "{}"})))
                .as("a year the text form writes otherwise").isFalse();
        }
        // the same rows, as text, store what they always did
        List<Object[]> sponsored = new ArrayList<>();
        for (int i = 0; i < BulkInsert.COPY_FROM; i++) {
            sponsored.add(new Object[] {"C" + i, "E1", "2027-01-31", "ACTIVE", Timestamp.from(Instant.EPOCH), "me"});
        }
        BulkInsert.insert(jdbc, "sponsorship", "employee_number, sponsor, end_date, status, created_at, created_by", sponsored);
        assertThat(jdbc.queryForObject("select count(*) from sponsorship where end_date = date '2027-01-31'", Long.class))
            .isEqualTo(BulkInsert.COPY_FROM);
    }
}
