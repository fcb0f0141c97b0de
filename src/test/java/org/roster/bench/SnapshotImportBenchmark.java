package org.roster.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roster.hr.SnapshotFormat;
import org.roster.hr.SnapshotImport;
import org.roster.support.Databases;
import org.roster.support.PgStatements;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Imports a generated CSV snapshot of {@code bench.rows} workers (default 1 000 000), then a second
 * snapshot of the same workers with 1 % of rows changed, then a third with another 1 % changed (the
 * next day's, run with the changed-worker path already compiled), and reports the time and the peak
 * heap of each. The target is a sink that acknowledges at once and keeps nothing ({@link SinkTarget}): this
 * measures ingest, lifecycle, policy, planning and the outbox, not a directory. Run with {@code mvn -B test -Pbenchmark -Dtest=SnapshotImportBenchmark}.
 */
@Tag("benchmark")
@org.springframework.context.annotation.Import(SinkTarget.class)
@SpringBootTest(properties = {
    "roster.demo.enabled=false",
    "logging.level.root=WARN",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=sink",
    "roster.hr.sources[0].name=export",
    "roster.hr.sources[0].type=snapshot"})
class SnapshotImportBenchmark {

    private static final int ROWS = Integer.getInteger("bench.rows", 1_000_000);
    /** {@code -Dbench.drain=true}: the delta starts once the first import's operations are all sent. */
    private static final boolean DRAIN = Boolean.getBoolean("bench.drain");
    /** {@code -Dbench.changeEvery=10}: one row in ten changes in the second snapshot (default one in a hundred). */
    private static final int CHANGE_EVERY = Integer.getInteger("bench.changeEvery", 100);
    /**
     * {@code -Dbench.missingEvery=100}: one worker in a hundred (others than those changed) is missing
     * from the second and third snapshots, as leavers drop out of some HR exports; each is reported
     * (the source's {@code disappeared: report}). By default none is.
     */
    private static final int MISSING_EVERY = Integer.getInteger("bench.missingEvery", 0);
    /**
     * {@code -Dbench.scattered=true}: the rows in no order of employee number (each worker's row is
     * the same, at another place), as an HR export sorted by something else would be; by default
     * they come in the order the workers were numbered.
     */
    private static final boolean SCATTERED = Boolean.getBoolean("bench.scattered");
    /**
     * {@code -Dbench.managers=before}: every worker but the first has a manager, in a tree ten wide, whose
     * employee number sorts before theirs (the manager of B1234 is B123); {@code anywhere}: the same tree with
     * employee numbers unrelated to it, so that a manager comes later in the file than a report about half the
     * time, as when numbers were given in hiring order. By default ({@code none}) nobody has a manager.
     */
    private static final String MANAGERS = System.getProperty("bench.managers", "none");
    /**
     * {@code -Dbench.personal=true}: every row has a personal e-mail and a date of birth, the details
     * Roster recognises a returning worker by by default ({@code roster.hr.rehire-match}), so that each
     * new worker is looked for among the others.
     */
    private static final boolean PERSONAL = Boolean.getBoolean("bench.personal");
    /**
     * {@code -Dbench.endDates=true}: every contractor (one worker in ten) has an end date a year
     * ahead, so that each has a change scheduled for that day.
     */
    private static final boolean END_DATES = Boolean.getBoolean("bench.endDates");

    @Autowired
    SnapshotImport snapshots;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Autowired
    org.roster.audit.Checkpoints checkpoints;

    @Autowired
    org.roster.store.TableStatistics statistics;

    @Autowired
    javax.sql.DataSource dataSource;

    private static String store = "H2 file";

    /** {@code -Dbench.store=h2} (the default) or {@code postgresql}. */
    @DynamicPropertySource
    static void store(DynamicPropertyRegistry r) {
        store = Databases.benchmarkStore(r, "bench-snapshot-store");
        // -Dbench.threads=2: roster.hr.snapshot-import-threads
        r.add("roster.hr.snapshot-import-threads", () -> Integer.getInteger("bench.threads", 1));
    }

    @Test
    void importAndReimportWithOnePercentChanged() throws Exception {
        Path dir = Files.createDirectories(Path.of("target/benchmarks"));
        Path first = dir.resolve("snapshot-1.csv");
        Path second = dir.resolve("snapshot-2.csv");
        Path third = dir.resolve("snapshot-3.csv");
        write(first, -1, false);
        write(second, CHANGE_EVERY, false);
        write(third, CHANGE_EVERY, true);

        boolean statements = store.startsWith("PostgreSQL") && PgStatements.wanted();
        if (statements) {
            PgStatements.reset(jdbc);
        }
        String walBefore = wal();
        Phase a = run(first);
        String walFirst = wal();
        long storeAfterFirst = storeBytes();
        String firstStatements = statements ? PgStatements.top(jdbc) : "";
        // the first import's operations still on their way to the target when the delta starts: the
        // dispatcher sends them while the delta runs, on the same cores and the same store
        long backlog = pending();
        double drained = 0;
        if (DRAIN) {
            long t0 = System.nanoTime();
            while (anyPending()) {
                Thread.sleep(200);
            }
            drained = (System.nanoTime() - t0) / 1e9;
        }
        // The checkpoint loop verifies every record since its last checkpoint before signing (some 7
        // million after a first import of a million workers, 12 core-seconds): signed here, so that it
        // does not fall in the timed delta by chance; how long it took is reported.
        long c0 = System.nanoTime();
        java.util.Optional<org.roster.audit.Checkpoints.Checkpoint> signed = checkpoints.checkpoint();
        double checkpointed = (System.nanoTime() - c0) / 1e9;
        if (statements) {
            PgStatements.reset(jdbc);
        }
        System.out.println("delta starts at " + Instant.now());
        String walDrained = wal();
        Phase b = run(second);
        String walDelta = wal();
        long storeAfterDelta = storeBytes();
        String deltaStatements = statements ? PgStatements.top(jdbc) : "";
        // The next day's delta: another 1 % of the workers change. The first delta was the first time this
        // JVM ran the changed-worker path (its JIT compiler took up to a fifth of the cores during it); a
        // Roster that runs for days has it compiled. Started, as the first, once the operations before it are sent.
        while (DRAIN && anyPending()) {
            Thread.sleep(200);
        }
        Phase c = run(third);

        assertThat(a.summary().created()).isEqualTo(ROWS);
        assertThat(b.summary().changed()).isEqualTo((ROWS + CHANGE_EVERY - 1) / CHANGE_EVERY); // workers 0, k, 2k, ...
        assertThat(c.summary().changed()).isEqualTo((ROWS - CHANGE_EVERY / 2 + CHANGE_EVERY - 1) / CHANGE_EVERY); // k/2, k + k/2, ...
        long missing = java.util.stream.IntStream.range(0, ROWS).filter(SnapshotImportBenchmark::missing).count();
        assertThat(b.summary().disappeared()).isEqualTo(missing);
        assertThat(c.summary().disappeared()).isEqualTo(missing);
        String report = String.format(Locale.ROOT, """
            snapshot import, CSV, %d rows%s, %s store, sink target; date %s, %d cores, max heap %d MB
              first import:            %.1f s  (%.0f rows/s)  peak heap %d MB  file %d MB%s
              second, 1 row in %d changed: %.1f s  (%.0f rows/s)  peak heap %d MB  (%d changed, %d unchanged, %d missing)%s
              third, the next day, another 1 row in %d changed: %.1f s  peak heap %d MB  (%d changed)%s
                operations of the first import not yet sent when the first import ended: %d%s
                operations the target had acknowledged when the delta ended: %d
                audit checkpoint before the delta (verifies the records since the last one, then signs): %.1f s, up to record %d
                store on disk: %d MB after the first import, %d MB after the delta
            """, ROWS, SCATTERED ? " in no order of employee number" : "", store, Instant.now(), Runtime.getRuntime().availableProcessors(),
            Runtime.getRuntime().maxMemory() >> 20,
            a.seconds(), ROWS / a.seconds(), a.peakHeapMb(), Files.size(first) >> 20, a.writes(),
            CHANGE_EVERY, b.seconds(), ROWS / b.seconds(), b.peakHeapMb(), b.summary().changed(), b.summary().unchanged(),
            b.summary().disappeared(), b.writes(),
            CHANGE_EVERY, c.seconds(), c.peakHeapMb(), c.summary().changed(), c.writes(), backlog,
            DRAIN ? String.format(Locale.ROOT, "; the delta started once they were sent, %.1f s later (%.0f operations/s)",
                drained, backlog / Math.max(drained, 0.001)) : "; the dispatcher sent them while the delta ran",
            SinkTarget.OPERATIONS.get(), checkpointed, signed.map(org.roster.audit.Checkpoints.Checkpoint::seq).orElse(-1L),
            storeAfterFirst >> 20, storeAfterDelta >> 20);
        io.micrometer.core.instrument.Timer compaction = meters.find("roster.store.compaction").timer();
        if (compaction != null) {
            report = report + String.format(Locale.ROOT, "  H2 compaction passes: %d, %.1f s in all, longest %.0f ms%n",
                compaction.count(), compaction.totalTime(java.util.concurrent.TimeUnit.SECONDS),
                compaction.max(java.util.concurrent.TimeUnit.MILLISECONDS));
        }
        if (store.startsWith("PostgreSQL")) {
            // what a row costs on disk, table by table (with indexes and TOAST): the capacity plan's figures
            StringBuilder sizes = new StringBuilder("  store size after both imports (bytes per worker):");
            jdbc.sql("""
                    select relname, pg_total_relation_size(relid) from pg_catalog.pg_statio_user_tables
                    order by 2 desc limit 12""").query((rs, n) -> String.format(Locale.ROOT, "%n    %-22s %8d MB  %6d",
                        rs.getString(1), rs.getLong(2) >> 20, rs.getLong(2) / ROWS)).list().forEach(sizes::append);
            report = report + sizes + System.lineSeparator();
            // and each index's share: every one of them is written for every row it holds
            StringBuilder indexes = new StringBuilder("  indexes after both imports (bytes per worker):");
            jdbc.sql("""
                    select relname, indexrelname, pg_relation_size(indexrelid) from pg_catalog.pg_stat_user_indexes
                    where pg_relation_size(indexrelid) > 0 order by 3 desc limit 24""")
                .query((rs, n) -> String.format(Locale.ROOT, "%n    %-22s %-28s %8d MB  %6d", rs.getString(1), rs.getString(2),
                    rs.getLong(3) >> 20, rs.getLong(3) / ROWS)).list().forEach(indexes::append);
            report = report + indexes + System.lineSeparator();
            // what the store wrote to its log, and how often it checkpointed (a page's first change after a
            // checkpoint writes the whole page): the capacity plan's write rate
            report = report + "  PostgreSQL's WAL (records, full-page images, bytes; checkpoints timed/requested), cumulative:"
                + System.lineSeparator() + "    before " + walBefore + System.lineSeparator() + "    after the first import " + walFirst
                + System.lineSeparator() + "    when the delta started " + walDrained + System.lineSeparator() + "    after the delta "
                + walDelta + System.lineSeparator();
            // how many of the outbox's updates rewrote a row in its page without touching an index (V41)
            report = report + jdbc.sql("select n_tup_upd, n_tup_hot_upd from pg_stat_user_tables where relname = 'outbox'")
                .query((rs, n) -> String.format(Locale.ROOT, "  outbox updates: %d, of which heap-only: %d%n",
                    rs.getLong(1), rs.getLong(2))).single();
        }
        if (statements) {
            report = report + "  PostgreSQL's time by statement, first import (the dispatcher's included):" + firstStatements
                + System.lineSeparator() + "  and during the delta:" + deltaStatements + System.lineSeparator();
        }
        System.out.println(report);
        Files.writeString(dir.resolve("snapshot-import-" + ROWS + "-" + System.getProperty("bench.store", "h2") + ".txt"),
            report);
    }

    /**
     * H2's version (one a commit that changed something) and the bytes this JVM has written and read
     * through system calls ({@code /proc/self/io}: H2's file, and a sort's runs), so far; zeros on
     * PostgreSQL or where {@code /proc} is not.
     */
    private long[] io() {
        if (store.startsWith("PostgreSQL")) {
            return new long[3];
        }
        long version;
        try (java.sql.Connection c = dataSource.getConnection()) {
            version = ((org.h2.engine.SessionLocal) c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession()).getDatabase()
                .getStore().getMvStore().getCurrentVersion();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        long written = 0;
        long read = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
                if (line.startsWith("wchar:")) {
                    written = Long.parseLong(line.substring(6).trim());
                } else if (line.startsWith("rchar:")) {
                    read = Long.parseLong(line.substring(6).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: versions only
        }
        return new long[] {version, written, read};
    }

    /**
     * CPU used so far, in core-seconds: this JVM's; PostgreSQL's (every {@code postgres} process
     * alive, with the children its postmaster has reaped, so backends that ended count); the
     * machine's busy and stolen time, and its whole time, from {@code /proc/stat}. Less spread than
     * the wall-clock figures on a shared machine; zeros for what cannot be read (not Linux).
     */
    private static double[] cpu() {
        double jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime() / 1e9;
        double tick = 100; // USER_HZ
        double pg = 0;
        try (java.nio.file.DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"),
                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : procs) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    if (!stat.substring(stat.indexOf('(') + 1, close).equals("postgres")) {
                        continue;
                    }
                    String[] f = stat.substring(close + 2).split(" "); // from the state on: utime is the 12th
                    pg += (Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])) / tick;
                } catch (IOException | RuntimeException gone) {
                    // the process ended while being read
                }
            }
        } catch (IOException | RuntimeException e) {
            return new double[] {jvm, 0, 0, 0, 0};
        }
        double busy = 0;
        double steal = 0;
        double all = 0;
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal
            for (int i = 1; i <= 8 && i < f.length; i++) {
                double v = Long.parseLong(f[i]) / tick;
                all += v;
                if (i == 8) {
                    steal = v;
                } else if (i != 4 && i != 5) {
                    busy += v;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return new double[] {jvm, pg, busy, steal, all};
    }

    /** The CPU a phase used, from {@link #cpu} before and after it, as a line's tail. */
    private static String cpuUsed(double[] before, double[] after) {
        double[] d = new double[before.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = after[i] - before[i];
        }
        return String.format(Locale.ROOT, "; CPU core-s: the JVM %.1f%s, the machine busy %.1f of %.1f, stolen %.1f", d[0],
            d[1] > 0 ? String.format(Locale.ROOT, ", PostgreSQL %.1f", d[1]) : "", d[2], d[4], d[3]);
    }

    /** PostgreSQL's WAL and checkpoint counters so far (the whole server), as one line; "" on H2. */
    private String wal() {
        if (!store.startsWith("PostgreSQL")) {
            return "";
        }
        return jdbc.sql("""
                select w.wal_records, w.wal_fpi, w.wal_bytes, c.num_timed, c.num_requested
                from pg_stat_wal w cross join pg_stat_checkpointer c""")
            .query((rs, n) -> String.format(Locale.ROOT, "%d records, %d full pages, %d MB; checkpoints %d/%d",
                rs.getLong(1), rs.getLong(2), rs.getLong(3) >> 20, rs.getLong(4), rs.getLong(5))).single();
    }

    /** The store's size on disk: H2's file (which keeps dead chunks until they are reused), or PostgreSQL's database. */
    private long storeBytes() throws java.io.IOException {
        if (store.startsWith("PostgreSQL")) {
            return jdbc.sql("select pg_database_size(current_database())").query(Long.class).single();
        }
        return Files.size(Path.of(jdbc.sql("select database_path()").query(String.class).single() + ".mv.db"));
    }

    /**
     * Whether an operation is still to be sent: stops at the first, where counting them every 200 ms took
     * PostgreSQL a quarter of a core from the dispatcher while a backlog of millions drained.
     */
    private boolean anyPending() {
        return jdbc.sql("select count(*) from (select 1 from outbox where status = 'PENDING' fetch first 1 rows only) p")
            .query(Long.class).single() > 0;
    }

    private long pending() {
        return jdbc.sql("select count(*) from outbox where status = 'PENDING'").query(Long.class).single();
    }

    private record Phase(SnapshotImport.Summary summary, double seconds, long peakHeapMb, String writes) {
    }

    private Phase run(Path file) throws IOException, InterruptedException {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long[] io0 = io();
        double[] cpu0 = cpu();
        double[] batches0 = batches();
        long t0 = System.nanoTime();
        SnapshotImport.Summary s;
        // -Dbench.holdFirst: the first import alone, its operations sent after it (a diagnostic);
        // -Dbench.holdDispatch: the same for the deltas
        boolean firstFile = file.getFileName().toString().equals("snapshot-1.csv");
        SinkTarget.hold = firstFile ? Boolean.getBoolean("bench.holdFirst") : Boolean.getBoolean("bench.holdDispatch");
        try (InputStream in = Files.newInputStream(file)) {
            s = snapshots.importSnapshot("export", in, SnapshotFormat.CSV, "benchmark", null);
        } finally {
            SinkTarget.hold = false;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        // for samplers outside the JVM (per-thread CPU from /proc): when this phase ran, in epoch seconds
        System.out.printf(Locale.ROOT, "%s ran from %.3f to %.3f%n", file.getFileName(),
            System.currentTimeMillis() / 1e3 - seconds, System.currentTimeMillis() / 1e3);
        long peak = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        String used = cpuUsed(cpu0, cpu()) + batches(batches0);
        // PostgreSQL's statistics of what it wrote, brought up to date after the answer: waited for here, so
        // that the next phase (the next day's file) does not start with them, and said apart
        long s0 = System.nanoTime();
        statistics.awaitRefreshed(java.time.Duration.ofMinutes(5));
        used = used + String.format(Locale.ROOT, "; statistics after it %.1f s", (System.nanoTime() - s0) / 1e9);
        long[] io1 = io();
        String writes = (store.startsWith("PostgreSQL") ? "" : String.format(Locale.ROOT,
            "; H2 wrote %d versions, the JVM wrote %d MB and read %d MB", io1[0] - io0[0], (io1[1] - io0[1]) >> 20,
            (io1[2] - io0[2]) >> 20)) + used;
        return new Phase(s, seconds, peak >> 20, writes);
    }

    private static final List<String> APPLIED = List.of("alone", "alongside", "again");

    /** The batches committed so far, by how they were applied (roster_hr_snapshot_batches_total). */
    private double[] batches() {
        return APPLIED.stream().mapToDouble(a -> meters.counter("roster.hr.snapshot.batches", "applied", a).count()).toArray();
    }

    private String batches(double[] before) {
        double[] now = batches();
        return String.format(Locale.ROOT, "; batches alone %.0f, alongside %.0f, again %.0f", now[0] - before[0],
            now[1] - before[1], now[2] - before[2]);
    }

    /** 7 919's inverse modulo {@code ROWS} (0 when there is none): worker i is at place i * INVERSE of the tree. */
    private static final long INVERSE = ROWS % 7_919 == 0 ? 0
        : java.math.BigInteger.valueOf(7_919).modInverse(java.math.BigInteger.valueOf(ROWS)).longValueExact();

    /** The contractors' end date with {@code -Dbench.endDates=true}: a year from the day the benchmark runs. */
    private static final java.time.LocalDate END_DATE = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusYears(1);

    /** The manager column of worker {@code i}'s row, with its comma (see {@code bench.managers}). */
    private static String manager(int i) {
        switch (MANAGERS) {
            case "none":
                return "";
            case "before":
                return i == 0 ? "," : ",B" + (i / 10);
            case "anywhere":
                // the worker at place p of the tree is numbered p * 7 919 mod ROWS, a bijection (checked in write)
                long place = (long) i * INVERSE % ROWS;
                return place == 0 ? "," : ",B" + (place / 10 * 7_919 % ROWS);
            default:
                throw new IllegalArgumentException("-Dbench.managers is none, before or anywhere, not " + MANAGERS);
        }
    }

    /**
     * Writes the snapshot; with {@code changeEvery > 0}, every that-many-th row has another department,
     * and with {@code nextDay} so has every that-many-th from half-way (another 1 % of the workers).
     */
    /** Whether worker {@code i} is missing from the deltas ({@code -Dbench.missingEvery}): never one that changes. */
    private static boolean missing(int i) {
        return MISSING_EVERY > 0 && i % MISSING_EVERY == MISSING_EVERY / 4 && i % CHANGE_EVERY != 0
            && i % CHANGE_EVERY != CHANGE_EVERY / 2;
    }

    private static void write(Path file, int changeEvery, boolean nextDay) throws IOException {
        String[] departments = {"Engineering", "Sales", "Finance", "Legal", "Support", "Marketing"};
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            w.write("employeeNumber,userName,givenName,familyName,email,department,costCenter,workerType,startDate"
                + ("none".equals(MANAGERS) ? "" : ",manager") + (PERSONAL ? ",personalEmail,dateOfBirth" : "")
                + (END_DATES ? ",endDate\n" : "\n"));
            if ((SCATTERED || "anywhere".equals(MANAGERS)) && ROWS % 7_919 == 0) {
                throw new IllegalArgumentException("-Dbench.scattered and -Dbench.managers=anywhere need a -Dbench.rows that is"
                    + " not a multiple of 7919");
            }
            for (int k = 0; k < ROWS; k++) {
                // 7 919 is prime and does not divide ROWS, so this visits every worker once
                int i = SCATTERED ? (int) ((long) k * 7_919 % ROWS) : k;
                if (changeEvery > 0 && missing(i)) {
                    continue;
                }
                String dept = departments[i % departments.length];
                if (changeEvery > 0 && (i % changeEvery == 0 || nextDay && i % changeEvery == changeEvery / 2)) {
                    dept = departments[(i + 1) % departments.length];
                }
                w.write("B" + i + ",bench" + i + ",Given" + i + ",Family" + i + ",bench" + i + "@example.com," + dept
                    + ",CC-" + (i % 50) + "," + (i % 10 == 0 ? "contractor" : "employee") + ",2020-01-06"
                    + manager(i) + (PERSONAL ? ",home" + i + "@example.org," + java.time.LocalDate.of(1960, 1, 1).plusDays(i % 15_000)
                    : "") + (END_DATES ? (i % 10 == 0 ? "," + END_DATE : ",") : "") + "\n");
            }
        }
    }
}
