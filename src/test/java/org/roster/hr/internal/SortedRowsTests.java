package org.roster.hr.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SortedRowsTests {

    private static SortedRows.Row row(long number, String en) {
        return new SortedRows.Row(number, en, "h" + number, ("{\"n\":\"" + number + "\",\"é\":\"\uD83D\uDE00\"}")
            .getBytes(StandardCharsets.UTF_8));
    }

    private static List<SortedRows.Row> drain(Iterator<SortedRows.Row> it) {
        List<SortedRows.Row> rows = new ArrayList<>();
        it.forEachRemaining(rows::add);
        return rows;
    }

    private static List<Path> runDirectories() throws Exception {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("roster-snapshot-")).toList();
        }
    }

    @Test
    void rowsComeBackByEmployeeNumberThenRowAcrossRunsOnDiskAndTheRunsAreDeleted() throws Exception {
        List<Path> before = runDirectories();
        List<SortedRows.Row> added = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 1; i <= 5_000; i++) {
            // a few hundred workers named more than once, and some rows without an employee number
            SortedRows.Row r = row(i, "E" + random.nextInt(4_000));
            added.add(i % 97 == 0 ? new SortedRows.Row(i, null, "h" + i, "{}".getBytes(StandardCharsets.UTF_8))
                : i % 3 == 0 ? new SortedRows.Row(i, r.employeeNumber(), r.hash(), r.fields(),
                    SortedRows.Compared.DIFFERENT, i % 2 == 0 ? null : "p" + i)
                : i % 5 == 0 ? new SortedRows.Row(i, r.employeeNumber(), r.hash(), r.fields(),
                    SortedRows.Compared.DUPLICATE, null)
                : r);
            if (i % 7 == 0) { // ranked again, as by the manager levels: a rank's rows come after the lower ones'
                added.set(added.size() - 1, added.get(added.size() - 1).ranked(1 + i % 3));
            }
        }
        List<SortedRows.Row> sorted;
        try (SortedRows rows = new SortedRows(16 * 1024)) {
            added.forEach(rows::add);
            assertThat(rows.runs()).as("the budget is far below 5 000 rows: runs went to disk").isGreaterThan(10);
            assertThat(runDirectories()).hasSize(before.size() + 1);
            sorted = drain(rows.sorted());
        }
        assertThat(runDirectories()).as("closing deletes the runs and their directory").hasSameElementsAs(before);

        List<SortedRows.Row> expected = new ArrayList<>(added);
        expected.sort(SortedRows.ORDER);
        assertThat(sorted).hasSize(5_000);
        for (int i = 0; i < expected.size(); i++) {
            SortedRows.Row want = expected.get(i);
            SortedRows.Row got = sorted.get(i);
            assertThat(got.number()).isEqualTo(want.number());
            assertThat(got.employeeNumber()).isEqualTo(want.employeeNumber());
            assertThat(got.hash()).isEqualTo(want.hash());
            assertThat(got.fields()).as("the bytes come back whole").isEqualTo(want.fields());
            assertThat(got.compared()).isEqualTo(want.compared());
            assertThat(got.previousHash()).isEqualTo(want.previousHash());
            assertThat(got.rank()).isEqualTo(want.rank());
        }
        assertThat(sorted.stream().map(SortedRows.Row::rank).distinct()).containsExactly(0, 1, 2, 3);
        List<SortedRows.Row> unranked = sorted.stream().filter(r -> r.rank() == 0).toList();
        assertThat(unranked.get(unranked.size() - 1).employeeNumber()).as("rows without an employee number come last")
            .isNull();
        SortedRows.Row first = sorted.get(0);
        SortedRows.Row second = sorted.get(1);
        if (first.employeeNumber() != null && first.employeeNumber().equals(second.employeeNumber())) {
            assertThat(first.number()).isLessThan(second.number());
        }
    }

    @Test
    void aSweepDeletesRunsLeftByAKilledImportOnceTheyAreOldAndNothingElse(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        java.time.Instant now = java.time.Instant.now();
        Path old = Files.createDirectory(tmp.resolve("roster-snapshot-1"));
        Files.writeString(old.resolve("run-0"), "HR data");
        Files.writeString(old.resolve("run-1"), "HR data");
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.from(now.minus(java.time.Duration.ofDays(2))));
        Path recent = Files.createDirectory(tmp.resolve("roster-snapshot-2"));
        Files.writeString(recent.resolve("run-0"), "an import in progress");
        Path foreign = Files.createDirectory(tmp.resolve("roster-snapshot-3"));
        Files.writeString(foreign.resolve("notes.txt"), "not a run");
        Files.setLastModifiedTime(foreign, java.nio.file.attribute.FileTime.from(now.minus(java.time.Duration.ofDays(2))));
        Path other = Files.createDirectory(tmp.resolve("something-else"));
        Files.setLastModifiedTime(other, java.nio.file.attribute.FileTime.from(now.minus(java.time.Duration.ofDays(2))));

        int deleted = SortedRows.sweep(tmp, now.minus(java.time.Duration.ofDays(1)));

        assertThat(deleted).isEqualTo(1);
        assertThat(old).doesNotExist();
        assertThat(recent.resolve("run-0")).as("another import's runs, still being written").exists();
        assertThat(foreign.resolve("notes.txt")).as("only runs are deleted").exists();
        assertThat(other).exists();
    }

    @Test
    void aFileWithinTheBudgetIsSortedInMemoryAndNeverWritten() throws Exception {
        List<Path> before = runDirectories();
        try (SortedRows rows = new SortedRows(1 << 20)) {
            rows.add(row(1, "E3"));
            rows.add(row(2, "E1"));
            rows.add(row(3, "E3"));
            rows.add(row(4, "E2"));
            assertThat(rows.runs()).isZero();
            assertThat(drain(rows.sorted())).extracting(SortedRows.Row::number).containsExactly(2L, 4L, 1L, 3L);
            assertThat(runDirectories()).hasSameElementsAs(before);
            assertThatThrownBy(() -> rows.add(row(5, "E4"))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(rows::sorted).isInstanceOf(IllegalStateException.class);
        }
    }
}
