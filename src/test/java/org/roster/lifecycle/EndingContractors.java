package org.roster.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import org.roster.hr.SnapshotFormat;
import org.roster.hr.SnapshotImport;
import org.roster.support.MutableClock;

/** Contractors whose end dates fall on one day, given by an HR file: many effective dates due at once. */
final class EndingContractors {

    private EndingContractors() {
    }

    /**
     * Imports, through the snapshot source {@code hr}, {@code count} contractors of this prefix
     * ({@code p0}, {@code p1}, ...) ending a month from the clock's day, and {@code p + "later"}
     * ending the day after; returns the moment just after the first day ends, when the
     * {@code count} are due.
     */
    static Instant importThem(SnapshotImport snapshots, MutableClock clock, String p, int count) {
        LocalDate end = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(30);
        importFile(snapshots, rows(p, count, end) + p + "later," + p.toLowerCase(Locale.ROOT) + "later,contractor,"
            + end.plusDays(1) + "\n");
        return dueAfter(end);
    }

    /** Rows of {@code count} contractors of this prefix ({@code p0}, {@code p1}, ...) ending on {@code end}. */
    static String rows(String p, int count, LocalDate end) {
        String userName = p.toLowerCase(Locale.ROOT);
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < count; i++) {
            csv.append(p).append(i).append(',').append(userName).append(i).append(",contractor,").append(end)
                .append('\n');
        }
        return csv.toString();
    }

    /** Imports these {@link #rows}, all of them new workers, through the snapshot source {@code hr}. */
    static void importFile(SnapshotImport snapshots, String rows) {
        SnapshotImport.Summary s = snapshots.importSnapshot("hr", new ByteArrayInputStream(
                ("employeeNumber,userName,workerType,endDate\n" + rows).getBytes(StandardCharsets.UTF_8)),
            SnapshotFormat.CSV, "test", null);
        assertThat(s.created()).isEqualTo(rows.lines().count());
    }

    /** When a contractor ending on {@code end} is due: just after the day ends. */
    static Instant dueAfter(LocalDate end) {
        return end.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(1);
    }
}
