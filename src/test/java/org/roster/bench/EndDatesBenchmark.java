package org.roster.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roster.hr.SnapshotFormat;
import org.roster.hr.SnapshotImport;
import org.roster.lifecycle.internal.LifecycleScheduler;
import org.roster.support.Databases;
import org.roster.support.MutableClock;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A month's end: {@code bench.rows} contractors (default 20 000) whose end dates, given in one HR
 * file, are the same day. The file is imported and its operations sent first; then the clock
 * passes the day, and the benchmark reports how long the scheduler takes to make them all leavers
 * and how long until the target has disabled every account; then the clock passes the 30 days'
 * grace period ({@code roster.plan.delete-after}), and it reports the same for their deletions. The
 * safety guard is off: a month's end
 * this large is held by its default limit (500 disables an hour) unless the operator raised the
 * {@code schedule} source's, and this measures what Roster does once it is let through. The target
 * is a sink ({@link SinkTarget}). Run with
 * {@code mvn -B test -Pbenchmark -Dtest=EndDatesBenchmark [-Dbench.store=postgresql] [-Dbench.rows=N]}.
 */
@Tag("benchmark")
@org.springframework.context.annotation.Import({SinkTarget.class, EndDatesBenchmark.Clocks.class})
@SpringBootTest(properties = {
    "roster.demo.enabled=false",
    "logging.level.root=WARN",
    "roster.plan.guard.enabled=false",
    "roster.plan.delete-after=30d",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=sink",
    "roster.hr.sources[0].name=export",
    "roster.hr.sources[0].type=snapshot"})
class EndDatesBenchmark {

    private static final int ROWS = Integer.getInteger("bench.rows", 20_000);
    private static final Instant START = Instant.parse("2026-12-01T08:00:00Z");
    private static final LocalDate END = LocalDate.of(2026, 12, 31);
    static final MutableClock CLOCK = MutableClock.ticking(START);

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock benchmarkClock() {
            return CLOCK;
        }
    }

    private static String store = "H2 file";

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry r) {
        store = Databases.benchmarkStore(r, "bench-end-dates-store");
    }

    @Autowired
    SnapshotImport snapshots;

    @Autowired
    LifecycleScheduler scheduler;

    @Autowired
    org.roster.plan.AccountDeletion deletion;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Test
    void aMonthsEndOfContractors() throws Exception {
        StringBuilder csv = new StringBuilder("employeeNumber,userName,department,workerType,startDate,endDate\n");
        for (int i = 0; i < ROWS; i++) {
            csv.append('C').append(i).append(",contractor").append(i).append(",Engineering,contractor,2026-01-05,")
                .append(END).append('\n');
        }
        long t0 = System.nanoTime();
        SnapshotImport.Summary imported = snapshots.importSnapshot("export",
            new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)), SnapshotFormat.CSV, "benchmark", null);
        assertThat(imported.created()).isEqualTo(ROWS);
        while (pending() > 0) {
            Thread.sleep(200);
        }
        double loaded = (System.nanoTime() - t0) / 1e9;
        long sentBefore = SinkTarget.OPERATIONS.get();
        assertThat(count("select count(*) from lifecycle_schedule")).isEqualTo(ROWS);

        // the day after the end date, a second past midnight: every contractor is due at once
        Instant due = END.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(1);
        CLOCK.advance(Duration.between(CLOCK.instant(), due));
        scheduler.wake();
        double[] leavers = untilNone("select count(*) from lifecycle_schedule");
        double fired = leavers[0];
        double sent = leavers[1];
        long terminated = count("select count(*) from identity where state = 'TERMINATED'");
        long disables = SinkTarget.OPERATIONS.get() - sentBefore;

        assertThat(terminated).isEqualTo(ROWS);
        assertThat(disables).as("operations the month's end sent").isGreaterThanOrEqualTo(ROWS);
        assertThat(count("select count(*) from plan_timer")).as("a deletion each, after the grace period")
            .isEqualTo(ROWS);

        // thirty days later: every leaver's accounts are deleted at once
        long sentBeforeDeletions = SinkTarget.OPERATIONS.get();
        CLOCK.advance(Duration.ofDays(30).plusSeconds(1));
        deletion.wake();
        double[] deletions = untilNone("select count(*) from plan_timer");
        double planned = deletions[0];
        double deleted = deletions[1];
        long deletes = SinkTarget.OPERATIONS.get() - sentBeforeDeletions;
        assertThat(deletes).as("operations the deletions sent").isGreaterThanOrEqualTo(ROWS);
        System.out.printf(Locale.ROOT, """
            month's end, %d contractors with one end date, %s store, sink target, guard off; %d cores, max heap %d MB
              imported and provisioned first in %.1f s
              every contractor a leaver (the scheduler's changes committed) %.1f s after the day passed (%.0f/s)
              every operation sent and acknowledged %.1f s after it (%d operations, %.0f/s)
            thirty days later (roster.plan.delete-after)
              every deletion planned %.1f s after the grace period ended (%.0f/s)
              every operation sent and acknowledged %.1f s after it (%d operations, %.0f/s)
            """, ROWS, store, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
            loaded, fired, ROWS / fired, sent, disables, disables / sent, planned, ROWS / planned, deleted, deletes,
            deletes / deleted);
    }

    /**
     * Seconds from now until {@code left} counts none (what was due is done), and until no operation is pending
     * either (the target acknowledged every one).
     */
    private double[] untilNone(String left) throws InterruptedException {
        long t0 = System.nanoTime();
        double done = -1;
        while (true) {
            long n = count(left);
            if (done < 0 && n == 0) {
                done = (System.nanoTime() - t0) / 1e9;
            }
            if (n == 0 && pending() == 0) {
                return new double[] {done, (System.nanoTime() - t0) / 1e9};
            }
            Thread.sleep(100);
        }
    }

    private long pending() {
        return count("select count(*) from outbox where status = 'PENDING'");
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }
}
