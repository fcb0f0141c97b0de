package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.roster.support.Databases;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Rows changed together (one statement on PostgreSQL from {@value BulkInsert#COPY_FROM} rows) end as
 * the same rows changed one by one would, and say which rows were there.
 */
class BulkUpdateTests {

    private static final Instant T0 = Instant.parse("2026-12-04T05:00:00.123456Z");
    private static final List<String> COLUMNS = List.of("enabled", "attributes", "entitlements", "updated_at");
    private static final List<String> KEY = List.of("target", "identity_key");

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void everyRowGetsItsValuesAndMissingOnesAreSaid(Databases.Kind kind) {
        JdbcTemplate jdbc = new JdbcTemplate(Databases.fresh(kind));
        accounts(jdbc, 40);
        String awkward = "{\"note\":\"tab\\there, \\\"quoted\\\", back\\\\slash, émile 名前 \uD83D\uDE00, ' ; --\"}";
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 40; i += 2) { // every other account, and two that are not there
            rows.add(new Object[] {i % 4 == 0, i == 0 ? awkward : "{\"n\":\"" + i + "\"}", "[]",
                Timestamp.from(T0.plusSeconds(i)), "dir", "E" + i});
        }
        rows.add(new Object[] {true, "{}", "[]", Timestamp.from(T0), "dir", "E999"});
        rows.add(new Object[] {true, "{}", "[]", Timestamp.from(T0), "wiki", "E2"});

        boolean[] matched = BulkUpdate.update(jdbc, "target_account", COLUMNS, KEY, rows);

        assertThat(matched).hasSize(22);
        for (int i = 0; i < 20; i++) {
            assertThat(matched[i]).as("row %d", i).isTrue();
        }
        assertThat(matched[20]).isFalse();
        assertThat(matched[21]).isFalse();
        Map<String, Object> first = jdbc.queryForMap("select enabled, attributes from target_account where identity_key = 'E0'");
        assertThat(first.get("attributes")).isEqualTo(awkward);
        assertThat(first.get("enabled")).isEqualTo(true);
        assertThat(jdbc.queryForObject("select updated_at from target_account where identity_key = 'E0'", Timestamp.class)
            .toInstant()).isEqualTo(T0);
        assertThat(jdbc.queryForObject("select enabled from target_account where identity_key = 'E2'", Boolean.class))
            .isFalse();
        assertThat(jdbc.queryForObject("select attributes from target_account where identity_key = 'E38'", String.class))
            .isEqualTo("{\"n\":\"38\"}");
        assertThat(jdbc.queryForObject("select attributes from target_account where identity_key = 'E1'", String.class))
            .as("a row not named is left as it was").isEqualTo("{}");
        assertThat(jdbc.queryForObject("select count(*) from target_account", Integer.class)).isEqualTo(40);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aRowNamedTwiceEndsWithItsLastValues(Databases.Kind kind) {
        JdbcTemplate jdbc = new JdbcTemplate(Databases.fresh(kind));
        accounts(jdbc, 20);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(new Object[] {false, "{\"v\":\"first\"}", "[]", Timestamp.from(T0), "dir", "E" + i});
        }
        rows.add(new Object[] {true, "{\"v\":\"second\"}", "[]", Timestamp.from(T0.plusSeconds(1)), "dir", "E3"});

        boolean[] matched = BulkUpdate.update(jdbc, "target_account", COLUMNS, KEY, rows);

        assertThat(matched).containsOnly(true);
        assertThat(jdbc.queryForMap("select enabled, attributes from target_account where identity_key = 'E3'"))
            .containsEntry("enabled", true).containsEntry("attributes", "{\"v\":\"second\"}");
        assertThat(jdbc.queryForObject("select attributes from target_account where identity_key = 'E4'", String.class))
            .isEqualTo("{\"v\":\"first\"}");
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aBrokenUniqueKeyFailsTheWholeStatement(Databases.Kind kind) {
        JdbcTemplate jdbc = new JdbcTemplate(Databases.fresh(kind));
        List<Object[]> workers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            workers.add(new Object[] {"E" + i, "s" + i, "u" + i, "u" + i, "{}", 1L, Timestamp.from(T0), Timestamp.from(T0)});
        }
        BulkInsert.insert(jdbc, "hr_worker",
            "employee_number, scim_id, user_name, user_name_key, record, version, created_at, updated_at", workers);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // every user name changed, E5's to the one E6 gets too
            rows.add(new Object[] {"v" + (i == 5 ? 6 : i), "v" + (i == 5 ? 6 : i), "E" + i});
        }

        assertThatThrownBy(() -> BulkUpdate.update(jdbc, "hr_worker", List.of("user_name", "user_name_key"),
            List.of("employee_number"), rows)).isInstanceOf(DuplicateKeyException.class);
        if (kind == Databases.Kind.POSTGRESQL) { // one statement: nothing of it stays
            assertThat(jdbc.queryForObject("select count(*) from hr_worker where user_name like 'u%'", Integer.class))
                .isEqualTo(20);
        }
    }

    @org.junit.jupiter.api.Test
    void namesAndValuesAreChecked() {
        JdbcTemplate jdbc = new JdbcTemplate(Databases.fresh(Databases.Kind.H2));
        List<Object[]> one = List.<Object[]>of(new Object[] {true, "dir", "E1"});
        assertThatThrownBy(() -> BulkUpdate.update(jdbc, "target_account; drop table x", List.of("enabled"), KEY, one))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a table or column name");
        assertThatThrownBy(() -> BulkUpdate.update(jdbc, "target_account", List.of(), KEY, one))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BulkUpdate.update(jdbc, "target_account", List.of("target"), KEY, one))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both set and a key");
        assertThat(BulkUpdate.update(jdbc, "target_account", List.of("enabled"), KEY, List.of())).isEmpty();
    }

    private static void accounts(JdbcTemplate jdbc, int count) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(new Object[] {"dir", "E" + i, true, "{}", "[]", Timestamp.from(T0)});
        }
        BulkInsert.insert(jdbc, "target_account", "target, identity_key, enabled, attributes, entitlements, updated_at",
            rows);
    }
}
