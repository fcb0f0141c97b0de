package org.roster.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The audit CSV export opens as text in a spreadsheet, whatever HR put in a field. */
class AuditCsvCellTests {

    @Test
    void cellsThatASpreadsheetWouldRunAsFormulasAreWrittenAsQuotedText() {
        assertThat(AuditController.cell("=HYPERLINK(\"http://evil.example\",\"click\")"))
            .isEqualTo("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"");
        assertThat(AuditController.cell("+1-555")).isEqualTo("\"'+1-555\"");
        assertThat(AuditController.cell("-2+3")).isEqualTo("\"'-2+3\"");
        assertThat(AuditController.cell("@SUM(A1)")).isEqualTo("\"'@SUM(A1)\"");
        assertThat(AuditController.cell("\tcmd")).isEqualTo("\"'\tcmd\"");
        assertThat(AuditController.cell("\r=1")).isEqualTo("\"'\r=1\"");
    }

    @Test
    void ordinaryCellsAreUnchangedAndSeparatorsStillQuoted() {
        assertThat(AuditController.cell("MOVER: ACTIVE -> ACTIVE")).isEqualTo("MOVER: ACTIVE -> ACTIVE");
        assertThat(AuditController.cell("a, b")).isEqualTo("\"a, b\"");
        assertThat(AuditController.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(AuditController.cell(null)).isEmpty();
    }
}
