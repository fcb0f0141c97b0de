package org.roster.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roster.hr.SnapshotFormat;
import org.roster.hr.SnapshotImport;
import org.roster.support.Databases;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An HR export whose every row fails validation, as when the system exporting it changed a date's format:
 * {@code bench.rows} rows (default 50 000), then as many again for other workers, then the first file sent
 * again. Each row is held in quarantine once; the file sent again finds each of its rows held already.
 * Reported: the time of each file. Run with
 * {@code mvn -B test -Pbenchmark -Dtest=QuarantineBenchmark [-Dbench.store=postgresql] [-Dbench.rows=N]}.
 */
@Tag("benchmark")
@SpringBootTest(properties = {
    "roster.demo.enabled=false",
    "logging.level.root=WARN",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=sink",
    "roster.hr.sources[0].name=export",
    "roster.hr.sources[0].type=snapshot"})
@org.springframework.context.annotation.Import(SinkTarget.class)
class QuarantineBenchmark {

    private static final int ROWS = Integer.getInteger("bench.rows", 50_000);
    /** What is wrong with every row: {@code endDate} (not a date) or {@code employeeNumber} (empty). */
    private static final String BAD = System.getProperty("bench.bad", "endDate");
    private static String store = "H2 file";

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry r) {
        store = Databases.benchmarkStore(r, "bench-quarantine-store");
    }

    @Autowired
    SnapshotImport snapshots;

    @Test
    void filesOfBadRows() throws Exception {
        String first = file(0);
        String second = file(ROWS);
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
            "quarantine: files whose every row fails validation (%s), %d rows each%n"
                + "date %s, store %s, %d cores%n", BAD.equals("employeeNumber") ? "no employee number"
                : "an end date that is not a date", ROWS, Instant.now(), store, Runtime.getRuntime().availableProcessors()));
        report.append(timed("a first file, every row held", first, ROWS));
        report.append(timed("a second, other workers, with the first's rows held", second, ROWS));
        report.append(timed("the first again: every row found held already", first, ROWS));
        System.out.print(report);
        Files.createDirectories(Path.of("target/benchmarks"));
        Files.writeString(Path.of("target/benchmarks/quarantine-" + (store.startsWith("H2") ? "h2" : "postgresql") + ".txt"),
            report.toString());
    }

    private String timed(String what, String csv, int rows) throws Exception {
        long t0 = System.nanoTime();
        SnapshotImport.Summary s = snapshots.importSnapshot("export",
            new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), SnapshotFormat.CSV, "benchmark", null);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(s.quarantined()).isEqualTo(rows);
        assertThat(s.created() + s.changed()).isZero();
        return String.format(Locale.ROOT, "  %-55s %6.1f s  (%.0f rows/s)%n", what + ":", seconds, rows / seconds);
    }

    private static String file(int from) {
        StringBuilder b = new StringBuilder("employeeNumber,userName,givenName,familyName,email,department,workerType,startDate,endDate\n");
        for (int i = from; i < from + ROWS; i++) {
            boolean noNumber = BAD.equals("employeeNumber");
            b.append(noNumber ? "" : "Q" + i).append(",q").append(i).append(",Given").append(i).append(",Held").append(i)
                .append(",q").append(i).append("@example.com,Sales,contractor,2020-01-06,")
                .append(noNumber ? "2027-12-31" : "31.12.2027").append('\n');
        }
        return b.toString();
    }
}
