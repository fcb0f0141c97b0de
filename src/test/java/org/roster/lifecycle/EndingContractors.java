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
        String userName = p.toLowerCase(Locale.ROOT);
        StringBuilder csv = new StringBuilder("employeeNumber,userName,workerType,endDate\n");
        for (int i = 0; i < count; i++) {
            csv.append(p).append(i).append(',').append(userName).append(i).append(",contractor,").append(end)
                .append('\n');
        }
        csv.append(p).append("later,").append(userName).append("later,contractor,").append(end.plusDays(1))
            .append('\n');
        SnapshotImport.Summary s = snapshots.importSnapshot("hr",
            new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)), SnapshotFormat.CSV, "test",
            null);
        assertThat(s.created()).isEqualTo(count + 1);
        return end.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(1);
    }
}
