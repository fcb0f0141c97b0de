package org.roster.hr;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.hr.internal.KeyDigest;
import org.roster.hr.internal.ManagerLevels;
import org.roster.hr.internal.PreviousRows;
import org.roster.hr.internal.QuarantineRepository;
import org.roster.hr.internal.RowChanges;
import org.roster.hr.internal.SeenKeys;
import org.roster.hr.internal.SnapshotMemory;
import org.roster.hr.internal.SnapshotRepository;
import org.roster.hr.internal.SnapshotRows;
import org.roster.hr.internal.SortedRows;
import org.roster.hr.internal.WorkerFields;
import org.roster.runtime.ExclusiveRuns;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Full HR exports (CSV, a JSON array, JSON Lines), read to their end and sorted by employee number
 * (managers before their reports) before any row is applied (spilled to disk past a budget, so a
 * file of any size takes bounded memory), then applied in batches. Each row is compared with the
 * same worker's row in the last accepted snapshot of the source: only new and changed rows become
 * HR changes. A row that fails validation is quarantined and the rest proceeds. Workers missing
 * from the new snapshot are reported, or terminated if the source says so and they are few enough.
 * Importing the same file again changes nothing, and the result says which earlier import it
 * repeats.
 */
@Service
public final class SnapshotImport {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SnapshotImport.class);

    private static final int BATCH = 500;
    /** How long a batch applied alongside the one before it waits, in its transaction, for that one's commit. */
    private static final Duration ALONGSIDE_WAIT = Duration.ofSeconds(10);
    private static final int SAMPLE = 100;
    /** Stored rows read at a time when looking for the workers a snapshot left out. */
    private static final int PAGE = 5_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HrSourceSettings settings;
    private final HrRecords records;
    private final SnapshotRepository snapshots;
    private final QuarantineRepository quarantine;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final TransactionTemplate savepoint;
    private final Clock clock;
    private final org.roster.store.TableStatistics statistics;
    private final ExclusiveRuns exclusive;
    private final SnapshotMemory memory;
    private final org.roster.store.BulkWork bulk;
    /** {@code roster_hr_snapshot_batches_total{applied}}: how the batches went with two threads (docs/scaling.md). */
    private final Map<String, io.micrometer.core.instrument.Counter> applied = new java.util.HashMap<>();
    /** Imports running on this instance now: at most {@code roster.hr.max-snapshot-imports}. */
    private final java.util.concurrent.atomic.AtomicInteger importing = new java.util.concurrent.atomic.AtomicInteger();

    /** How long an import waits for the statistics the one before it left to be brought up to date. */
    private static final Duration STATISTICS_WAIT = Duration.ofMinutes(2);
    /**
     * The tables an import writes, whose statistics it brings up to date when it has grown them
     * (the next import's plans, and the dispatcher's, depend on them).
     */
    private static final List<String> WRITTEN = List.of("hr_snapshot_row", "hr_worker", "hr_worker_search", "hr_event",
        "identity", "lifecycle_event", "outbox", "target_account", "audit_record");

    public SnapshotImport(HrSourceSettings settings, HrRecords records, SnapshotRepository snapshots,
                          QuarantineRepository quarantine, AuditLog audit, PlatformTransactionManager transactions,
                          Clock clock, org.roster.store.TableStatistics statistics, ExclusiveRuns exclusive,
                          SnapshotMemory memory, org.roster.store.BulkWork bulk,
                          io.micrometer.core.instrument.MeterRegistry meters) {
        this.settings = settings;
        this.records = records;
        this.snapshots = snapshots;
        this.quarantine = quarantine;
        this.audit = audit;
        this.tx = new TransactionTemplate(transactions);
        this.savepoint = new TransactionTemplate(transactions);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.clock = clock;
        this.statistics = statistics;
        this.exclusive = exclusive;
        this.memory = memory;
        this.bulk = bulk;
        for (String how : List.of("alone", "alongside", "again")) {
            applied.put(how, io.micrometer.core.instrument.Counter.builder("roster.hr.snapshot.batches")
                .description("snapshot batches committed: alone (after the batch before them), alongside (written while"
                    + " it committed), again (rolled back from alongside and applied after it)")
                .tag("applied", how).register(meters));
        }
        // HR data an import killed mid-sort left on disk: gone at the next start, once surely not another
        // instance's import in progress
        int swept = SortedRows.sweep(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")),
            clock.instant().minus(Duration.ofDays(1)));
        if (swept > 0) {
            org.slf4j.LoggerFactory.getLogger(SnapshotImport.class).warn(
                "deleted {} sorted snapshot file director{} left by imports that did not end", swept, swept == 1 ? "y" : "ies");
        }
    }

    /** What an import did. */
    public record Summary(String snapshotId, String source, long rows, long created, long changed, long unchanged,
                          long quarantined, long disappeared, long terminated, List<String> disappearedSample,
                          @Nullable String repeats, String digest, Duration elapsed) {
    }

    /** Reports progress every {@link #BATCH} rows (the CLI draws a bar from it). */
    public interface Progress {
        void rows(long read);
    }

    public Summary importSnapshot(String sourceName, InputStream body, SnapshotFormat format, String actor,
                                  @Nullable Progress progress) {
        HrSourceSettings.Source source = settings.source(sourceName)
            .filter(s -> "snapshot".equals(s.type()))
            .orElseThrow(() -> new HrValidationException("source", "no snapshot source named '" + sourceName + "'"));
        Instant started = clock.instant();
        String id = UUID.randomUUID().toString();
        ExclusiveRuns.Held running;
        try {
            running = begin(source.name(), id, actor);
        } catch (HrConflictException | HrUnavailableException e) {
            discard(body);
            throw e;
        }
        try (running; org.roster.store.BulkWork.Running busy = bulk.begin()) { // the store's housekeeping waits if it can
            awaitStatistics();
            snapshots.start(id, source.name(), started);
            running.replaced().ifPresent(stopped -> snapshots.interrupted(stopped.runId(), clock.instant(), "interrupted: "
                + stopped.instance() + " stopped while importing it (last seen " + stopped.aliveAt() + "); the batches it"
                + " applied stay; taken over by snapshot " + id));
            // The whole file, missing workers included, is one batch: the safety guard judges every
            // disable it causes together, before any is sent.
            String description = "snapshot " + id + " of " + source.name();
            return records.batch(source.name(), description, actor,
                () -> importRows(source, id, description, started, body, format, actor, progress, running));
        } finally {
            importing.decrementAndGet();
            statistics.refreshSoon(WRITTEN); // after the answer: the work is committed
        }
    }

    /**
     * Waits for the statistics an import before this one (on this instance) left to be brought up to
     * date: this import's reads are planned with them. At most {@link #STATISTICS_WAIT}.
     */
    private void awaitStatistics() {
        try {
            if (!statistics.awaitRefreshed(STATISTICS_WAIT)) {
                log.info("snapshot: the store's statistics are still being brought up to date after {} s; importing"
                    + " without waiting further", STATISTICS_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HrUnavailableException("Roster is stopping: nothing of this file was applied, send it again later");
        }
    }

    /**
     * Reads the rest of a refused file and drops it. The sender is still sending: answered before its
     * upload ends, it would find the connection closed under it (the server reads at most 2 MB of an
     * unread body) and many HTTP clients then report a broken connection, not the answer. The
     * upload's size is bounded by {@code roster.api.max-snapshot-size}.
     */
    private static void discard(InputStream body) {
        try {
            body.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException | RuntimeException e) {
            log.debug("a refused snapshot upload was not read to its end: {}", e.getMessage());
        }
    }

    /**
     * Takes the source for this import, or refuses the file before applying any of it: another import of
     * the source runs, here or on another instance (409), or this instance runs its most imports at once (503).
     */
    private ExclusiveRuns.Held begin(String source, String id, String actor) {
        int max = settings.maxSnapshotImports();
        if (importing.incrementAndGet() > max) {
            importing.decrementAndGet();
            throw new HrUnavailableException(max + " snapshot imports are running on this instance"
                + " (roster.hr.max-snapshot-imports): nothing of this file was applied, send it again later");
        }
        try {
            return exclusive.begin("snapshot:" + source, id, actor);
        } catch (ExclusiveRuns.Busy e) {
            importing.decrementAndGet();
            ExclusiveRuns.Holder h = e.holder();
            throw new HrConflictException("source", "snapshot " + h.runId() + " of '" + source + "' is being imported"
                + " (sent by " + h.actor() + ", " + e.describe() + "): one import of a source at a time; nothing of this"
                + " file was applied, send it again once that import has ended");
        } catch (RuntimeException e) {
            importing.decrementAndGet();
            throw e;
        }
    }

    private Summary importRows(HrSourceSettings.Source source, String id, String description, Instant started,
                               InputStream body, SnapshotFormat format, String actor, @Nullable Progress progress,
                               ExclusiveRuns.Held running) {
        Counts counts = new Counts();
        Reader reader = new Reader(source, body, format);
        // what this import commits to the snapshot rows, to keep the rows in memory for the next import;
        // not if it runs inside a transaction of its caller's, whose batches would commit only with it
        @Nullable RowChanges committed = org.springframework.transaction.support.TransactionSynchronizationManager
            .isActualTransactionActive() ? null : new RowChanges();
        Batches batches = new Batches(source, id, description, actor, counts, running, committed,
            committed == null ? 1 : settings.snapshotImportThreads());
        reader.start();
        PreviousRows previous;
        try (batches) { // closed before anything below reports: no batch is still being applied then
            // the reader waits for these before its first row (the request's body waits in the meantime)
            previous = previous(source.name(), id);
            reader.compareWith(previous);
            while (true) {
                Chunk chunk = reader.take();
                batches.apply(chunk.rows());
                if (progress != null) {
                    progress.rows(reader.rows);
                }
                if (chunk.failure() != null) {
                    batches.drain();
                    throw chunk.failure();
                }
                if (chunk.last()) {
                    break;
                }
            }
            batches.drain();
        } catch (HrValidationException e) {
            if (counts.applied()) {
                snapshots.finish(id, "", clock.instant(), "incomplete after " + reader.rows + " rows: " + e.getMessage());
                throw new HrValidationException(e.field(), e.reason() + " (" + reader.rows + " rows before it were"
                    + " compared; workers missing from this snapshot were not evaluated)");
            }
            snapshots.finish(id, "", clock.instant(), "refused: " + e.getMessage());
            throw new HrValidationException(e.field(), e.reason() + " (nothing was applied: the whole file is read"
                + " before any row is; workers missing from this snapshot were not evaluated)");
        } catch (ExclusiveRuns.Lost e) {
            log.warn("snapshot {} of {}: {}", id, source.name(), e.getMessage());
            snapshots.finish(id, "", clock.instant(), "incomplete after " + reader.rows + " rows: " + e.getMessage());
            throw new HrUnavailableException(e.getMessage() + " (" + reader.rows + " rows before it were compared; workers"
                + " missing from this snapshot were not evaluated; send the file again)");
        } catch (java.io.UncheckedIOException e) {
            // Roster's own disk, not the file: its sorted runs could not be written (no room in java.io.tmpdir) or read back
            log.warn("snapshot {} of {}: {}", id, source.name(), e.getMessage());
            String why = "the file could not be sorted in Roster's temporary directory (java.io.tmpdir): "
                + org.springframework.core.NestedExceptionUtils.getMostSpecificCause(e).getMessage();
            if (counts.applied()) {
                snapshots.finish(id, "", clock.instant(), "incomplete after " + reader.rows + " rows: " + why);
                throw new HrUnavailableException(why + " (" + reader.rows + " rows before it were compared; workers missing"
                    + " from this snapshot were not evaluated; send the file again)", e);
            }
            snapshots.finish(id, "", clock.instant(), "refused: " + why);
            throw new HrUnavailableException(why + " (nothing was applied: the whole file is read before any row is; send"
                + " it again once there is room)", e);
        } finally {
            reader.stop();
        }
        counts.rows = reader.rows;
        counts.unchanged += reader.unchanged;
        if (progress != null) {
            progress.rows(counts.rows);
        }
        String digest = HexFormat.of().formatHex(reader.sha.digest());
        List<String> sample = new ArrayList<>();
        if (snapshots.hadEarlier(source.name(), id) && (previous == null || previous.unnamed() > 0)) {
            try {
                PreviousRows compared = previous;
                disappeared(source, id, counts, sample, actor, en -> {
                    KeyDigest key = KeyDigest.of(en);
                    return reader.named.contains(key) || compared != null && compared.wasNamed(key);
                }, running, committed);
            } catch (ExclusiveRuns.Lost e) {
                log.warn("snapshot {} of {}: {}", id, source.name(), e.getMessage());
                snapshots.finish(id, "", clock.instant(), "incomplete after every row and " + counts.terminated
                    + " of the workers missing from it: " + e.getMessage());
                throw new HrUnavailableException(e.getMessage() + " (every row was applied, and " + counts.terminated
                    + " of the workers missing from this snapshot were terminated; send the file again)");
            }
        }
        String repeats = snapshots.sameContent(source.name(), digest, id).orElse(null);
        Summary summary = new Summary(id, source.name(), counts.rows, counts.created, counts.changed, counts.unchanged,
            counts.quarantined, counts.disappeared, counts.terminated, sample, repeats, digest,
            Duration.between(started, clock.instant()));
        String text = summary.rows() + " rows: " + summary.created() + " new, " + summary.changed() + " changed, "
            + summary.unchanged() + " unchanged, " + summary.quarantined() + " quarantined, " + summary.disappeared()
            + " missing, " + summary.terminated() + " terminated" + (repeats == null ? "" : "; same content as " + repeats);
        snapshots.finish(id, digest, clock.instant(), text);
        audit.append(new AuditEntry(null, "SNAPSHOT_IMPORTED", AuditEntry.Stage.REQUEST, actor, null,
            "snapshot " + id + " of " + source.name() + ": " + text, id));
        if (previous != null && committed != null && batches.allCommitted()) {
            PreviousRows now = committed.appliedTo(previous, settings.snapshotMemoryRows());
            if (now != null) {
                memory.keep(source.name(), id, now);
            }
        }
        return summary;
    }

    /**
     * The source's last snapshot, in memory when it is small enough ({@code roster.hr.snapshot-memory-rows}):
     * as the last import of the source left it on this instance when that is still what the store
     * holds ({@link SnapshotMemory}), else read from the store in pages; null means the import asks the
     * store batch by batch.
     */
    private @Nullable PreviousRows previous(String source, String snapshotId) {
        long stored = snapshots.countRows(source);
        if (stored > settings.snapshotMemoryRows()) {
            return null;
        }
        java.util.Optional<PreviousRows> kept = snapshots.lastBefore(source, snapshotId)
            .flatMap(last -> memory.take(source, last, stored));
        if (kept.isPresent()) {
            log.debug("snapshot {} of {}: compared with the {} rows the last import left in memory", snapshotId, source, stored);
            return kept.get();
        }
        PreviousRows previous = new PreviousRows((int) stored);
        String after = "";
        List<SnapshotRepository.Keyed> page;
        do {
            page = snapshots.rowsAfter(source, after, PAGE);
            for (SnapshotRepository.Keyed row : page) {
                if (previous.size() == stored) {
                    return null; // rows arrived while reading: the table would overflow, so ask the store instead
                }
                previous.put(row.employeeNumber(), row.hash());
                after = row.employeeNumber();
            }
        } while (page.size() == PAGE);
        return previous;
    }

    /**
     * A row that is not unchanged: new, changed, without an employee number, or naming a worker an
     * earlier row named. {@code previousHash} is the stored row's, null for a worker the source did
     * not have.
     */
    private record Pending(long number, Map<String, JsonNode> fields, @Nullable String en, String hash,
                           @Nullable String previousHash, boolean duplicate) {
    }

    /** A row's worker as {@link HrRecords#prepare} made it, or why it could not be made. */
    private record Prepared(@Nullable Worker worker, @Nullable HrValidationException invalid) {
    }

    private static final class Counts {
        long rows;
        long created;
        long changed;
        long unchanged;
        long quarantined;
        long disappeared;
        long terminated;

        Counts copy() {
            Counts c = new Counts();
            c.set(this);
            return c;
        }

        void set(Counts other) {
            rows = other.rows;
            created = other.created;
            changed = other.changed;
            unchanged = other.unchanged;
            quarantined = other.quarantined;
            disappeared = other.disappeared;
            terminated = other.terminated;
        }

        void add(Counts other) {
            rows += other.rows;
            created += other.created;
            changed += other.changed;
            unchanged += other.unchanged;
            quarantined += other.quarantined;
            disappeared += other.disappeared;
            terminated += other.terminated;
        }

        /** Whether a batch has written anything yet. */
        boolean applied() {
            return created + changed + unchanged + quarantined > 0;
        }
    }

    /** A row of a batch run without savepoints failed validation: the batch is rolled back and run again with them. */
    private static final class RowFailed extends RuntimeException {
        RowFailed() {
            super(null, null, false, false);
        }
    }

    /** Rows the reader handed over, in employee-number order; the last chunk, or one that ends in a failure, ends the file. */
    private record Chunk(List<Pending> rows, boolean last, @Nullable RuntimeException failure) {
    }

    /**
     * Reads the file on a thread of its own, in two passes. First to its end: each row is parsed,
     * mapped and hashed, and sorted by employee number ({@link SortedRows}, spilled to disk past
     * {@code roster.hr.snapshot-sort-memory}); a file that cannot be read to its end is refused
     * before anything is applied. Then in employee-number order (managers first when the file lists
     * reports before them: {@link #managersFirst}), each row is compared with the previous
     * snapshot's and the new and changed ones are handed over {@link #BATCH} at a time, at most
     * {@link #AHEAD} batches ahead of the importing thread. Sorted rows make each batch's workers
     * neighbours in every table keyed by employee number, whatever order the HR system exported
     * them in.
     */
    private final class Reader implements Runnable {
        private static final int AHEAD = 4;

        private final HrSourceSettings.Source source;
        private final InputStream body;
        private final SnapshotFormat format;
        /** The previous snapshot's rows, or empty when the store is asked batch by batch; set by the importing thread. */
        private final java.util.concurrent.CompletableFuture<java.util.Optional<PreviousRows>> previous =
            new java.util.concurrent.CompletableFuture<>();
        final MessageDigest sha = sha256();
        private final MessageDigest rowSha = sha256();
        final SeenKeys named = new SeenKeys();
        /**
         * The manager tree of the rows sorted, until they are ranked by it; dropped (rows applied in
         * employee-number order) past {@link ManagerLevels#MAX_ENTRIES} workers and managers.
         */
        private @Nullable ManagerLevels levels = new ManagerLevels(ManagerLevels.MAX_ENTRIES);
        private final java.util.concurrent.BlockingQueue<Chunk> queue = new java.util.concurrent.ArrayBlockingQueue<>(AHEAD);
        private final Thread thread;
        private volatile boolean stopped;
        private List<Pending> pending = new ArrayList<>(BATCH);
        /** Rows compared, and rows found unchanged; read by the importing thread (final once the last chunk is taken). */
        volatile long rows;
        volatile long unchanged;

        Reader(HrSourceSettings.Source source, InputStream body, SnapshotFormat format) {
            this.source = source;
            this.body = body;
            this.format = format;
            this.thread = new Thread(this, "roster-snapshot-" + source.name());
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        /** What the rows are compared with, from when it is known: null to ask the store batch by batch. */
        void compareWith(@Nullable PreviousRows rows) {
            previous.complete(java.util.Optional.ofNullable(rows));
        }

        @Override
        public void run() {
            try (SortedRows sorted = new SortedRows(settings.snapshotSortMemory().toBytes())) {
                try {
                    read(sorted);
                } catch (HrValidationException e) {
                    hand(new Chunk(List.of(), false, e)); // nothing is applied from a file that cannot be read
                    return;
                }
                if (stopped) {
                    return;
                }
                PreviousRows rowsBefore = previous.join().orElse(null);
                try (SortedRows byLevel = new SortedRows(settings.snapshotSortMemory().toBytes())) {
                    java.util.Iterator<SortedRows.Row> in = managersFirst(sorted, byLevel);
                    List<SortedRows.Row> batch = new ArrayList<>(BATCH);
                    while (!stopped && in.hasNext()) {
                        batch.add(in.next());
                        if (batch.size() == BATCH) {
                            classify(batch, rowsBefore);
                            batch.clear();
                        }
                    }
                    classify(batch, rowsBefore);
                }
                if (!stopped) {
                    hand(new Chunk(pending, true, null));
                }
            } catch (java.util.concurrent.CancellationException e) {
                // the import ended before the previous rows were read
            } catch (RuntimeException e) {
                hand(new Chunk(pending, false, e));
            }
        }

        /**
         * The sorted rows, level by level down the manager tree the file draws ({@link ManagerLevels})
         * and in employee-number order within a level, when employee-number order alone would bring
         * some new worker before the manager the file gives them: sorted again into {@code byLevel},
         * {@code sorted}'s runs deleted once read. Otherwise {@code sorted} as it is. A report applied
         * after their manager needs no pending reference, and a first load whose employee numbers
         * were given in hiring order has one for about half its workers.
         */
        private java.util.Iterator<SortedRows.Row> managersFirst(SortedRows sorted, SortedRows byLevel) {
            ManagerLevels tree = levels;
            levels = null; // the table is dropped once the rows are ranked
            if (tree == null || !tree.reorders()) {
                return sorted.sorted();
            }
            java.util.Iterator<SortedRows.Row> in = sorted.sorted();
            while (!stopped && in.hasNext()) {
                SortedRows.Row row = in.next();
                String en = row.employeeNumber();
                byLevel.add(row.ranked(en == null ? ManagerLevels.DEEPEST + 1 : tree.level(KeyDigest.of(en))));
            }
            sorted.close();
            return byLevel.sorted();
        }

        /**
         * The first pass: every row parsed, mapped, hashed and sorted, and the whole file digested. A
         * worker named by an earlier row is marked a duplicate here, in the file's order. It starts
         * once the previous rows are known (the importing thread reads them meanwhile), so each row is
         * compared as it is read, and an unchanged one is only counted: it is not sorted (in a delta,
         * nearly all of them).
         */
        private void read(SortedRows sorted) {
            // Waits for them before the first row: a row read before would be sorted, spilled and read
            // back as if changed, and nearly every row of a delta is not (at a million rows on H2, 200 MB
            // written and read, 170 MB of heap, and no time saved: docs/benchmarks.md). Without them
            // (none in memory), the store is asked batch by batch, after sorting.
            @Nullable PreviousRows before = previous.join().orElse(null);
            try (DigestInputStream in = new DigestInputStream(body, sha);
                 SnapshotRows file = SnapshotRows.open(new java.io.FilterInputStream(in) {
                     @Override
                     public void close() {
                         // the parser closes its source at the end; the digest still needs the rest of the file
                     }
                 }, format, FIELDS.stream().map(source::column).toList())) {
                while (!stopped && file.hasNext()) {
                    @Nullable JsonNode[] values = file.next();
                    long number = file.row();
                    String en = employeeNumber(values[EMPLOYEE_NUMBER]);
                    byte[] digest = hash(values, rowSha);
                    SortedRows.Compared compared = SortedRows.Compared.NOT_YET;
                    @Nullable String previousHash = null;
                    if (en != null) {
                        KeyDigest key = KeyDigest.of(en);
                        // one lookup for a worker the last snapshot had; the key set holds only the others
                        PreviousRows.Seen seen = before == null ? PreviousRows.Seen.NEW : before.see(key, high(digest), low(digest));
                        if (seen == PreviousRows.Seen.SAME) {
                            rows++;
                            unchanged++; // nothing is written for it: the last snapshot's table says it was named
                            continue;
                        }
                        if (seen == PreviousRows.Seen.REPEATED || seen == PreviousRows.Seen.NEW && !named.add(key)) {
                            compared = SortedRows.Compared.DUPLICATE;
                        } else if (seen == PreviousRows.Seen.CHANGED) {
                            compared = SortedRows.Compared.DIFFERENT;
                            previousHash = before.hash(key);
                        } else if (before != null) {
                            compared = SortedRows.Compared.DIFFERENT; // new: the last snapshot did not have it
                        }
                        if (compared != SortedRows.Compared.DUPLICATE && levels != null
                            && !levels.add(key, en, employeeNumber(values[MANAGER]))) {
                            levels = null;
                        }
                    }
                    String hash = HexFormat.of().formatHex(digest, 0, 16);
                    sorted.add(new SortedRows.Row(number, en, hash, JSON.writeValueAsBytes(fields(values)), compared,
                        previousHash));
                }
                if (!stopped) {
                    in.transferTo(java.io.OutputStream.nullOutputStream()); // so the digest covers the whole file
                }
            } catch (IOException e) {
                throw new HrValidationException("body", "cannot be read: " + e.getMessage());
            }
        }

        /**
         * The next chunk, waiting for it. A reader that ended without handing over the end of the file
         * (an {@link Error} such as running out of heap) ends the import instead of leaving it waiting.
         */
        Chunk take() {
            try {
                while (true) {
                    Chunk chunk = queue.poll(1, java.util.concurrent.TimeUnit.SECONDS);
                    if (chunk != null) {
                        return chunk;
                    }
                    if (!thread.isAlive() && queue.isEmpty()) {
                        throw new IllegalStateException("the snapshot reader of " + source.name()
                            + " ended without reaching the end of the file after " + rows + " rows");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while importing a snapshot", e);
            }
        }

        /** Ends the reader (the import is over, or failed) and waits for it to let go of the file. */
        void stop() {
            stopped = true;
            previous.cancel(false);
            queue.clear();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void hand(Chunk chunk) {
            pending = new ArrayList<>(BATCH);
            try {
                while (!stopped && !queue.offer(chunk, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    // the importing thread is busy with what it has: wait for room
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = true;
            }
        }

        /** The second pass, a batch of sorted rows at a time: those not compared yet are, and the others handed over. */
        private void classify(List<SortedRows.Row> read, @Nullable PreviousRows before) {
            if (read.isEmpty()) {
                return;
            }
            Map<String, SnapshotRepository.Row> stored = before != null ? Map.of()
                : snapshots.rows(source.name(), read.stream()
                    .filter(r -> r.compared() == SortedRows.Compared.NOT_YET && r.employeeNumber() != null)
                    .map(SortedRows.Row::employeeNumber).collect(java.util.stream.Collectors.toSet()));
            for (SortedRows.Row row : read) {
                rows++;
                String en = row.employeeNumber();
                if (en == null || row.compared() == SortedRows.Compared.DUPLICATE) {
                    pend(new Pending(row.number(), fields(row), en, row.hash(), null, en != null));
                    continue;
                }
                String previousHash = row.previousHash();
                if (row.compared() == SortedRows.Compared.NOT_YET) {
                    if (before != null) { // not reached: with the last snapshot in memory the first pass compares every row
                        KeyDigest key = KeyDigest.of(en);
                        before.see(key, PreviousRows.high(row.hash()), PreviousRows.low(row.hash()));
                        previousHash = before.hash(key);
                    } else {
                        SnapshotRepository.Row was = stored.get(en);
                        previousHash = was == null ? null : was.hash();
                    }
                    if (row.hash().equals(previousHash)) {
                        unchanged++; // nothing is written for it: the import's key set says it was named
                        continue;
                    }
                }
                pend(new Pending(row.number(), fields(row), en, row.hash(), previousHash, false));
            }
        }

        private void pend(Pending row) {
            pending.add(row);
            if (pending.size() == BATCH) {
                hand(new Chunk(pending, false, null));
            }
        }
    }

    /** A sorted row's mapped fields, in {@link #FIELDS} order, as the first pass read them. */
    private static Map<String, JsonNode> fields(SortedRows.Row row) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        JSON.readTree(row.fields()).properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
        return fields;
    }

    /**
     * Applies the rows the reader handed over, {@link #BATCH} or fewer in a transaction: on the
     * importing thread, or with {@code roster.hr.snapshot-import-threads: 2} on two threads of the
     * import's own, two batches at a time where they can be.
     *
     * <p>Two batches go together only when both hold new workers alone and neither names a worker
     * the other brings, claims a userName the other claims or has the other's personal details
     * ({@link HrRecords.Footprint}); a batch that finds one of its workers stored or awaited by a
     * pending reference once it has read them (which the rows cannot tell) is rolled back and applied
     * again after the one before it. The later batch writes its rows while the earlier commits, and
     * commits only after it: if the earlier fails, the later is rolled back and the import ends as it
     * would have, with the batches before them applied. Any other failure of the later batch rolls
     * it back and applies it again once the earlier has committed, as a single thread would.
     */
    private final class Batches implements AutoCloseable {
        private final HrSourceSettings.Source source;
        private final String snapshotId;
        private final String description;
        private final String actor;
        private final Counts counts;
        private final ExclusiveRuns.Held running;
        /** The snapshot rows the batches committed, or null when not kept. */
        private final @Nullable RowChanges committed;
        private final java.util.concurrent.atomic.AtomicInteger begun = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger ended = new java.util.concurrent.atomic.AtomicInteger();
        /** The import's two threads, or null when it applies its batches on the importing thread. */
        private final java.util.concurrent.@Nullable ExecutorService pool;
        /** Batches handed to the pool and not yet known to have ended, in the file's order: at most two. */
        private final java.util.ArrayDeque<InFlight> inFlight = new java.util.ArrayDeque<>(2);

        Batches(HrSourceSettings.Source source, String snapshotId, String description, String actor, Counts counts,
                ExclusiveRuns.Held running, @Nullable RowChanges committed, int threads) {
            this.source = source;
            this.snapshotId = snapshotId;
            this.description = description;
            this.actor = actor;
            this.counts = counts;
            this.running = running;
            this.committed = committed;
            java.util.concurrent.atomic.AtomicInteger named = new java.util.concurrent.atomic.AtomicInteger();
            this.pool = threads < 2 ? null : java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "snapshot-" + source.name() + "-" + named.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }

        /** Whether every batch is known to have committed or rolled back (so {@link #committed} is what they stored). */
        boolean allCommitted() {
            return begun.get() == ended.get();
        }

        /** A batch handed to the pool. */
        private final class InFlight {
            /** Dropped once the batch has ended, with {@link #before}: a batch keeps no other alive. */
            @Nullable List<Pending> rows;
            /** What the batch's rows are, for the batch after it; null unless they are all new workers. */
            final HrRecords.@Nullable Footprint footprint;
            /** The batch it writes alongside and commits after; null when it started after every earlier one ended. */
            @Nullable InFlight before;
            final Counts counts = new Counts();
            /** Completed once the batch has committed (or held every row), exceptionally once it has failed. */
            final java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();

            InFlight(List<Pending> rows, HrRecords.@Nullable Footprint footprint, @Nullable InFlight before) {
                this.rows = rows;
                this.footprint = footprint;
                this.before = before;
            }
        }

        void apply(List<Pending> pending) {
            if (pending.isEmpty()) {
                return;
            }
            if (pool == null) {
                apply(pending, counts, null);
                applied.get("alone").increment();
                return;
            }
            HrRecords.Footprint footprint = footprint(pending);
            InFlight last = inFlight.peekLast();
            if (last != null && (footprint == null || last.footprint == null || footprint.touch(last.footprint))) {
                drain(); // this batch may read what the one before writes: after it
                last = null;
            }
            while (inFlight.size() >= 2) {
                end(inFlight.removeFirst());
            }
            InFlight batch = new InFlight(pending, footprint, last);
            inFlight.addLast(batch);
            pool.execute(() -> run(batch));
        }

        /** Waits for every batch handed over, and rethrows the first failure. */
        void drain() {
            while (!inFlight.isEmpty()) {
                end(inFlight.removeFirst());
            }
        }

        /** Waits for every batch handed over, whatever they end in: the import is failing already. */
        @Override
        public void close() {
            while (!inFlight.isEmpty()) {
                try {
                    end(inFlight.removeFirst());
                } catch (RuntimeException | Error e) {
                    log.debug("snapshot {}: a batch applied alongside ended with {}", snapshotId, e.toString());
                }
            }
            if (pool != null) {
                pool.shutdown();
            }
        }

        /** Waits for a batch to end; counts what it did, or rethrows why it failed. */
        private void end(InFlight batch) {
            try {
                batch.done.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error r) {
                    throw r;
                }
                throw e;
            }
            counts.add(batch.counts);
        }

        /** On one of the pool's threads. */
        private void run(InFlight batch) {
            List<Pending> rows = java.util.Objects.requireNonNull(batch.rows);
            InFlight before = batch.before;
            batch.rows = null;
            batch.before = null;
            try {
                records.alongside(source.name(), description, actor, () -> {
                    if (before == null) {
                        apply(rows, batch.counts, null);
                        applied.get("alone").increment();
                        return null;
                    }
                    Counts start = batch.counts.copy();
                    try {
                        apply(rows, batch.counts, before);
                        applied.get("alongside").increment();
                    } catch (NotAlongside | org.springframework.dao.DataIntegrityViolationException
                             | org.springframework.dao.ConcurrencyFailureException e) {
                        // not independent after all, or in conflict with the batch before it (a key both wrote, a
                        // lock): rolled back, and applied again as a single thread would, once that one has committed
                        if (!(e instanceof NotAlongside)) {
                            log.debug("snapshot {}: a batch applied alongside the one before it failed ({}); applied"
                                + " again after it", snapshotId, e.toString());
                        }
                        awaitCommitted(before);
                        batch.counts.set(start);
                        apply(rows, batch.counts, null);
                        applied.get("again").increment();
                    }
                    return null;
                });
                batch.done.complete(null);
            } catch (Throwable e) {
                batch.done.completeExceptionally(e);
            }
        }

        /** Returns once the batch has committed; throws {@link Abandoned} if it failed. */
        private static void awaitCommitted(InFlight before) {
            try {
                before.done.join();
            } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
                throw new Abandoned();
            }
        }

        /**
         * As {@link #awaitCommitted(InFlight)}, from inside the later batch's transaction, for at most
         * {@link #ALONGSIDE_WAIT}: past it this batch gives way ({@link NotAlongside}), rolled back and
         * applied after. The earlier batch's commit takes a fraction of a second; one waiting for a lock
         * this batch holds (a conflict the rows did not show) would otherwise wait for ever, the store
         * not knowing that this batch waits for it.
         */
        private static void awaitCommittedWithin(InFlight before) {
            try {
                before.done.get(ALONGSIDE_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new NotAlongside();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                throw new Abandoned();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Abandoned();
            }
        }

        /** The footprint of a batch of new workers only; null when a row is anything else. */
        private HrRecords.@Nullable Footprint footprint(List<Pending> pending) {
            Map<String, Map<String, JsonNode>> rows = new java.util.HashMap<>();
            for (Pending p : pending) {
                if (p.en() == null || p.duplicate() || p.previousHash() != null) {
                    return null;
                }
                rows.put(p.en(), p.fields());
            }
            return records.footprint(rows);
        }

        /**
         * Applies a batch in its transaction. Rows rarely fail once mapped; a savepoint per row costs
         * more than replaying the odd batch that has one. So the batch runs without savepoints first,
         * and only if a row fails is it rolled back and run again, each row in its own savepoint, so
         * that the failed row alone is held.
         */
        private void apply(List<Pending> pending, Counts into, @Nullable InFlight before) {
            Counts start = into.copy();
            try {
                apply(pending, false, into, before);
            } catch (RowFailed e) {
                into.set(start);
                apply(pending, true, into, before);
            }
        }

        private void apply(List<Pending> pending, boolean savepoints, Counts into, @Nullable InFlight before) {
            List<String[]> stored = new ArrayList<>(pending.size());
            tx.executeWithoutResult(status -> {
                if (before == null) {
                    running.check(); // the source is still this import's until the batch commits
                }
                if (committed != null) {
                    begun.incrementAndGet();
                    org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                        new org.springframework.transaction.support.TransactionSynchronization() {
                            @Override
                            public void afterCompletion(int status) {
                                if (status == STATUS_COMMITTED) {
                                    synchronized (committed) {
                                        stored.forEach(row -> committed.stored(row[0], row[1]));
                                    }
                                }
                                if (status != STATUS_UNKNOWN) { // rolled back: it stored nothing
                                    ended.incrementAndGet();
                                }
                            }
                        });
                }
                // the batch's workers, read and locked together in its transaction: one query instead of one per row
                Map<String, StoredWorker> current = new java.util.HashMap<>();
                Map<String, Map<String, JsonNode>> changing = new LinkedHashMap<>();
                for (Pending p : pending) {
                    if (p.en() != null && !p.duplicate()) {
                        changing.put(p.en(), p.fields());
                    }
                }
                List<StoredWorker> locked = records.lockForChange(changing.keySet());
                locked.forEach(w -> current.put(w.worker().employeeNumber(), w));
                records.arriving(changing, locked);
                if (before != null && (!locked.isEmpty() || records.anyAwaited(changing.keySet()))) {
                    throw new NotAlongside(); // what the rows could not tell: after the batch before it, then
                }
                // each row's worker made before any is written: a row that cannot be is held without a savepoint
                Map<Long, Prepared> prepared = new java.util.HashMap<>();
                List<String> held = new ArrayList<>();
                for (Pending p : pending) {
                    if (p.en() == null) {
                        continue;
                    }
                    if (p.duplicate()) {
                        held.add(p.en());
                        continue;
                    }
                    try {
                        prepared.put(p.number(), new Prepared(records.prepare(p.en(), p.fields(),
                            java.util.Optional.ofNullable(current.get(p.en()))), null));
                    } catch (HrValidationException e) {
                        prepared.put(p.number(), new Prepared(null, e));
                        held.add(p.en());
                    }
                }
                quarantine.prefetchOpen(source.name(), held);
                for (Pending p : pending) {
                    applyRow(p, prepared.get(p.number()), current, savepoints, into, stored);
                }
                if (before != null) {
                    // this batch's rows go in while the one before commits; its own commit waits for that one's
                    org.roster.store.TransactionBatch.flushAll();
                    awaitCommittedWithin(before);
                    running.check(); // the source is still this import's until the batch commits
                }
            });
        }

        /**
         * @param prepared the row's worker as {@link HrRecords#prepare} made it, or why it could not; made for every
         *                 row with an employee number that the file does not repeat, null for the others
         */
        private void applyRow(Pending p, @Nullable Prepared prepared, Map<String, StoredWorker> current, boolean savepoints,
                              Counts counts, List<String[]> stored) {
            long number = p.number();
            String en = p.en();
            String eventId = "snapshot-" + snapshotId + "-row-" + number;
            if (en == null) {
                hold(source, eventId, null, p.fields(), new HrValidationException(source.column("employeeNumber"),
                    "is required (row " + number + ")"), actor, counts);
                return;
            }
            if (p.duplicate()) {
                hold(source, eventId, en, p.fields(), new HrValidationException(source.column("employeeNumber"),
                    en + " appears twice in the snapshot (row " + number + ")"), actor, counts);
                return;
            }
            HrValidationException invalid = java.util.Objects.requireNonNull(prepared).invalid();
            if (invalid != null) {
                hold(source, eventId, en, p.fields(), inRow(invalid, number), actor, counts);
                return;
            }
            Worker next = java.util.Objects.requireNonNull(prepared.worker());
            boolean exists = p.previousHash() != null;
            try {
                java.util.Optional<StoredWorker> worker = java.util.Optional.ofNullable(current.get(en));
                HrRecords.Result r = savepoints ? savepoint.execute(s -> {
                    HrRecords.Result result = records.upsert(next, p.fields(), source.name(), actor, worker);
                    snapshots.save(source.name(), en, p.hash(), snapshotId, exists);
                    return result;
                }) : records.upsert(next, p.fields(), source.name(), actor, worker);
                if (!savepoints) {
                    snapshots.save(source.name(), en, p.hash(), snapshotId, exists);
                }
                stored.add(new String[] {en, p.hash()});
                if (r == null || !r.changed()) {
                    counts.unchanged++;
                } else if (r.stored().version() == 1) {
                    counts.created++;
                } else {
                    counts.changed++;
                }
            } catch (HrValidationException e) {
                if (!savepoints) {
                    throw new RowFailed();
                }
                hold(source, eventId, en, p.fields(), inRow(e, number), actor, counts);
            }
        }

        /** The failure as the file shows it: the source's column, and the row. */
        private HrValidationException inRow(HrValidationException e, long number) {
            return new HrValidationException(source.column(e.field()), e.reason() + " (row " + number + ")");
        }
    }

    /** A batch applied alongside the one before it found what its rows could not tell: applied after it instead. */
    private static final class NotAlongside extends RuntimeException {
        NotAlongside() {
            super(null, null, false, false);
        }
    }

    /** The batch this one was applied alongside failed: it is rolled back, and the import ends with that failure. */
    private static final class Abandoned extends RuntimeException {
        Abandoned() {
            super(null, null, false, false);
        }
    }

    private void hold(HrSourceSettings.Source source, String eventId, @Nullable String en, Map<String, JsonNode> fields,
                      HrValidationException e, String actor, Counts counts) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("eventId", eventId);
        if (en != null) {
            event.put("employeeNumber", en);
        }
        ObjectNode changes = event.putObject("changes");
        fields.forEach(changes::set);
        // The same bad row in the next snapshot (a file sent again, or HR not fixed yet) is already held:
        // counted as quarantined, not held twice.
        for (String held : quarantine.openRecords(source.name(), en, e.field())) {
            if (JSON.readTree(held).path("changes").equals(changes)) {
                counts.quarantined++;
                return;
            }
        }
        quarantine.insert(new QuarantinedRecord(UUID.randomUUID().toString(), source.name(), eventId, en,
            JSON.writeValueAsString(event), e.field(), e.reason(), QuarantinedRecord.Status.OPEN, clock.instant(), null,
            null));
        audit.append(new AuditEntry(en, "QUARANTINED", AuditEntry.Stage.REQUEST, actor, null,
            "snapshot row from " + source.name() + " quarantined: " + e.getMessage(), null));
        counts.quarantined++;
    }

    /**
     * The workers the source had and this snapshot did not name (a row it named but quarantined
     * counts as named: a bad row is not a leaver). Read from the stored rows a page at a time and
     * compared with the import's key set: nothing was written for the rows that did not change. They
     * are reported (and terminated, with {@code disappeared: terminate}) {@link #BATCH} in a transaction.
     */
    private void disappeared(HrSourceSettings.Source source, String snapshotId, Counts counts, List<String> sample,
                             String actor, java.util.function.Predicate<String> named, ExclusiveRuns.Held running,
                             @Nullable RowChanges committed) {
        long missing = 0;
        String after = "";
        List<String> page;
        do {
            page = snapshots.keys(source.name(), after, PAGE);
            missing += page.stream().filter(en -> !named.test(en)).count();
            after = page.isEmpty() ? after : page.get(page.size() - 1);
        } while (page.size() == PAGE);
        counts.disappeared = missing;
        if (missing == 0) {
            return;
        }
        long previous = snapshots.countRows(source.name());
        double percent = 100.0 * missing / Math.max(1, previous);
        boolean terminate = source.disappeared() == HrSourceSettings.Disappeared.TERMINATE
            && percent <= source.maxDisappearedPercent();
        String why = source.disappeared() == HrSourceSettings.Disappeared.REPORT
            ? "reported only (disappeared: report)"
            : terminate ? "terminated (disappeared: terminate)"
            : String.format(java.util.Locale.ROOT, "not terminated: %.1f%% of the source disappeared, above the %.1f%% limit",
                percent, source.maxDisappearedPercent());
        after = "";
        do {
            page = snapshots.keys(source.name(), after, PAGE);
            after = page.isEmpty() ? after : page.get(page.size() - 1);
            List<String> gone = page.stream().filter(en -> !named.test(en)).toList();
            for (int from = 0; from < gone.size(); from += BATCH) {
                List<String> chunk = gone.subList(from, Math.min(gone.size(), from + BATCH));
                for (String en : chunk) {
                    if (sample.size() < SAMPLE) {
                        sample.add(en);
                    }
                }
                // BATCH workers in a transaction, as the rows are: their records and audit entries
                // written together, not a commit (and the audit chain's lock) for each
                tx.executeWithoutResult(s -> {
                    running.check();
                    for (String en : chunk) {
                        if (terminate) {
                            records.upsert(en, Map.of("employmentStatus", JsonNodeFactory.instance.stringNode("terminated"),
                                "terminationReason", JsonNodeFactory.instance.stringNode("missing from HR snapshot")),
                                source.name(), actor);
                            snapshots.delete(source.name(), en);
                            if (committed != null) {
                                org.roster.store.AfterCommit.run(() -> committed.deleted(en));
                            }
                        }
                        audit.append(new AuditEntry(en, "SNAPSHOT_MISSING", AuditEntry.Stage.REQUEST, actor, null,
                            "missing from snapshot " + snapshotId + " of " + source.name() + ": " + why, snapshotId));
                    }
                });
                if (terminate) {
                    counts.terminated += chunk.size();
                }
            }
        } while (page.size() == PAGE);
    }

    /** The worker fields in the order the row hash reads them: a row's values are read in this order. */
    private static final List<String> FIELDS = List.copyOf(new java.util.TreeSet<>(WorkerFields.NAMES));
    private static final int EMPLOYEE_NUMBER = FIELDS.indexOf("employeeNumber");
    private static final int MANAGER = FIELDS.indexOf("manager");

    /** A row's worker fields, in {@link #FIELDS} order: those its columns had (a JSON null for an empty cell). */
    private static Map<String, JsonNode> fields(@Nullable JsonNode[] values) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                fields.put(FIELDS.get(i), values[i]);
            }
        }
        return fields;
    }

    private static @Nullable String employeeNumber(@Nullable JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        String s = v.asString().trim();
        return s.isEmpty() ? null : s;
    }

    /**
     * A hash of the fields a row has, in {@link #FIELDS} order: a row's identity across imports. Its
     * first 16 bytes are what is stored, as 32 hex digits ({@link #high}, {@link #low} as the table of
     * the last snapshot keeps them).
     */
    private static byte[] hash(@Nullable JsonNode[] values, MessageDigest sha) {
        StringBuilder canonical = new StringBuilder(256);
        for (int i = 0; i < values.length; i++) {
            JsonNode v = values[i];
            if (v != null) {
                canonical.append(FIELDS.get(i)).append('=').append(v.isNull() ? "" : v.asString()).append('\n');
            }
        }
        return sha.digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static long high(byte[] digest) {
        return java.nio.ByteBuffer.wrap(digest).getLong(0);
    }

    private static long low(byte[] digest) {
        return java.nio.ByteBuffer.wrap(digest).getLong(8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
