package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.roster.support.Databases;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A snapshot's rows are kept under one key, {@code (source, employee_number)}, instead of a primary
 * key and a second index over the same two columns (V44): an upgrade keeps every row and the key
 * still refuses a worker twice in one source.
 */
class SnapshotRowsKeyUpgradeTests {

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void anUpgradeKeepsTheRowsUnderOneKey(Databases.Kind kind) {
        DataSource ds = Databases.empty(kind);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("43").load().migrate();
        JdbcClient jdbc = JdbcClient.create(ds);
        String insert = "insert into hr_snapshot_row (source, employee_number, row_hash, seen_in) values (?, ?, ?, ?)";
        jdbc.sql(insert).params("workday", "E2", "h-w2", "s1").update();
        jdbc.sql(insert).params("workday", "E1", "h-w1", "s1").update();
        jdbc.sql(insert).params("contractors", "E1", "h-c1", "s2").update();

        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();

        assertThat(jdbc.sql("select employee_number || '=' || row_hash from hr_snapshot_row where source = ?"
                + " and employee_number > ? order by source, employee_number").params("workday", "")
            .query(String.class).list()).containsExactly("E1=h-w1", "E2=h-w2");
        assertThat(jdbc.sql("select row_hash from hr_snapshot_row where source = ? and employee_number = ?")
            .params("contractors", "E1").query(String.class).single()).isEqualTo("h-c1");
        assertThatThrownBy(() -> jdbc.sql(insert).params("workday", "E1", "h-again", "s3").update())
            .isInstanceOf(DuplicateKeyException.class);
        String indexes = kind == Databases.Kind.H2
            ? "select count(distinct index_name) from information_schema.indexes where table_name = 'hr_snapshot_row'"
            : "select count(*) from pg_indexes where tablename = 'hr_snapshot_row'";
        assertThat(jdbc.sql(indexes).query(Long.class).single()).isEqualTo(1L);
    }
}
