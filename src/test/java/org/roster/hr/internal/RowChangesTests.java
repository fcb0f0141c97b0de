package org.roster.hr.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RowChangesTests {

    private static final String A = "0123456789abcdef0123456789abcdef";
    private static final String B = "fedcba9876543210fedcba9876543210";

    @Test
    void whatAnImportStoredAndDeletedIsWhatTheNextComparesWith() {
        PreviousRows before = new PreviousRows(3);
        before.put("E1", A);
        before.put("E2", A);
        before.put("E3", A);
        before.see(KeyDigest.of("E1"), PreviousRows.high(A), PreviousRows.low(A));
        RowChanges changes = new RowChanges();
        changes.stored("E1", B); // changed
        changes.stored("E4", B); // new
        changes.deleted("E3");   // left the source

        PreviousRows after = changes.appliedTo(before, 100);

        assertThat(after).isNotNull();
        assertThat(after.size()).isEqualTo(3);
        assertThat(after.unnamed()).as("the next import has named nobody yet").isEqualTo(3);
        assertThat(after.hash(KeyDigest.of("E1"))).isEqualTo(B);
        assertThat(after.hash(KeyDigest.of("E2"))).isEqualTo(A);
        assertThat(after.hash(KeyDigest.of("E3"))).isNull();
        assertThat(after.hash(KeyDigest.of("E4"))).isEqualTo(B);
    }

    /** A delta's changed rows are new hashes for rows the table has: they need no room, however full it is. */
    @Test
    void changedRowsAreAppliedInPlaceEvenInAFullTable() {
        PreviousRows before = new PreviousRows(8);
        int rows = 0;
        while (before.fits(rows + 1L)) {
            before.put("E" + rows++, A);
        }
        RowChanges changes = new RowChanges();
        for (int i = 0; i < rows; i++) {
            changes.stored("E" + i, B);
        }

        PreviousRows after = changes.appliedTo(before, 1000);

        assertThat(after).isSameAs(before);
        assertThat(after.size()).isEqualTo(rows);
        assertThat(after.hash(KeyDigest.of("E0"))).isEqualTo(B);
    }

    /** A first import compares with an empty table; what it stored, tens of thousands of rows, needs a larger one. */
    @Test
    void rowsBeyondTheTableGoToALargerOneAndBeyondTheBoundToNone() {
        RowChanges changes = new RowChanges();
        for (int i = 0; i < 50_000; i++) {
            changes.stored("E" + i, i % 3 == 0 ? A : B);
        }

        PreviousRows after = changes.appliedTo(new PreviousRows(0), 50_000);

        assertThat(after).isNotNull();
        assertThat(after.size()).isEqualTo(50_000);
        for (int i = 0; i < 50_000; i += 997) {
            assertThat(after.hash(KeyDigest.of("E" + i))).isEqualTo(i % 3 == 0 ? A : B);
        }
        assertThat(changes.appliedTo(new PreviousRows(0), 49_999)).as("more than roster.hr.snapshot-memory-rows").isNull();
    }
}
