package org.roster.hr.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.roster.hr.HrValidationException;
import org.roster.hr.SnapshotFormat;
import tools.jackson.databind.JsonNode;

class SnapshotRowsTests {

    private static final List<String> COLUMNS = List.of("PERNR", "ORGEH", "ENDDA", "PERNR");

    /** Every row of {@code text}, each as its values of {@link #COLUMNS}, written as text ("-" for absent). */
    private static List<String> read(String text, SnapshotFormat format) {
        List<String> rows = new ArrayList<>();
        try (SnapshotRows file = SnapshotRows.open(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), format,
            COLUMNS)) {
            while (file.hasNext()) {
                StringBuilder row = new StringBuilder();
                for (JsonNode v : file.next()) {
                    row.append(v == null ? "-" : v.isNull() ? "null" : v.asString()).append('|');
                }
                rows.add(file.row() + ":" + row);
            }
        }
        return rows;
    }

    @Test
    void csvRowsAreTheAskedColumnsInTheirOrderWithEmptyCellsNullAndMissingColumnsAbsent() {
        // no ENDDA column at all; an extra column nobody asked for; a short row; a quoted cell with a comma
        String csv = """
            PERNR,USERID,ORGEH
            1,u1,Sales
            2,u2,
            3,u3
            "4","u,4","Sales, North"
            """;
        assertThat(read(csv, SnapshotFormat.CSV)).containsExactly(
            "1:1|Sales|-|1|",
            "2:2|null|-|2|",
            "3:3|-|-|3|",
            "4:4|Sales, North|-|4|");
    }

    @Test
    void aColumnNamedTwiceInTheHeaderKeepsItsLastCell() {
        assertThat(read("PERNR,ORGEH,ORGEH\n1,Sales,Finance\n", SnapshotFormat.CSV)).containsExactly("1:1|Finance|-|1|");
    }

    @Test
    void jsonRowsAreReadTheSameWayAndMustBeObjects() {
        assertThat(read("[{\"PERNR\":\"1\",\"ORGEH\":null,\"X\":1},{\"PERNR\":2}]", SnapshotFormat.JSON))
            .containsExactly("1:1|null|-|1|", "2:2|-|-|2|");
        assertThatThrownBy(() -> read("{\"PERNR\":\"1\"}\n[1]\n", SnapshotFormat.NDJSON))
            .isInstanceOf(HrValidationException.class).hasMessageContaining("row 2").hasMessageContaining("JSON object");
    }

    @Test
    void aRowThatCannotBeReadIsNamedByItsNumber() {
        assertThatThrownBy(() -> read("PERNR,ORGEH\n1,Sales\n2,Sales,extra\n", SnapshotFormat.CSV))
            .isInstanceOf(HrValidationException.class).hasMessageStartingWith("row 2: cannot be read");
        assertThatThrownBy(() -> read("PERNR,ORGEH\n1,Sales\n\"2,Sales\n", SnapshotFormat.CSV))
            .isInstanceOf(HrValidationException.class).hasMessageStartingWith("row 2: cannot be read");
    }
}
