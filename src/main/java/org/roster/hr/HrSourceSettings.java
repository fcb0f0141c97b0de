package org.roster.hr;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.roster.hr.internal.PreviousRows;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.hr}: the HR sources other than SCIM push (which needs no declaration).
 *
 * @param sources named sources
 * @param webhookTolerance how far a webhook's timestamp may be from Roster's clock (default 5m);
 *     older deliveries are refused as replays
 * @param maxEventsPerRequest most events in one webhook delivery (default 500)
 * @param maxWebhookSize the largest webhook delivery read (default 1MB); larger ones are refused
 *     before their body is read
 * @param maxWebhookReads webhook deliveries whose bodies are read at once (default 8): a delivery
 *     is not authenticated until its whole body has been read, so these are bounded; more are answered
 *     503 with {@code Retry-After}
 * @param rehireMatch the personal details whose hash recognises a returning worker under a new
 *     employee number (default personalEmail and dateOfBirth; see {@link MatchKey})
 * @param snapshotMemoryRows most rows of a source's last snapshot an import holds in memory to tell
 *     unchanged rows (about 70 bytes a row; default 2 000 000, at most 2 000 000); a larger source is compared
 *     batch by batch against the store instead, which is slower
 * @param snapshotSortMemory the rows of a snapshot held in memory while the import sorts the file by
 *     employee number (default 32MB, at least 1KB, at most 1GB); past it, sorted runs are written to
 *     the JVM's temporary directory and merged
 * @param maxSnapshotImports snapshot imports running at once on this instance (default 2, at least 1),
 *     each of a different source (a source's second import is refused 409 while its first runs, across
 *     instances); each holds up to {@code snapshotMemoryRows} of its source and {@code snapshotSortMemory},
 *     so this bounds what imports take of the heap; more are answered 503 with {@code Retry-After}
 * @param snapshotImportThreads threads applying one snapshot import's batches (default 1, at most 2):
 *     with 2, a batch of new workers is applied while the one before it is written and committed,
 *     when neither names a worker the other brings (see {@link HrRecords#footprint}); batches still
 *     commit in the file's order. It pays where the sending has cores of its own (docs/scaling.md)
 */
@ConfigurationProperties("roster.hr")
public record HrSourceSettings(@Nullable List<Source> sources, @Nullable Duration webhookTolerance,
                               @Nullable Integer maxEventsPerRequest, @Nullable List<String> rehireMatch,
                               org.springframework.util.unit.@Nullable DataSize maxWebhookSize,
                               @Nullable Integer maxWebhookReads, @Nullable Integer snapshotMemoryRows,
                               org.springframework.util.unit.@Nullable DataSize snapshotSortMemory,
                               @Nullable Integer maxSnapshotImports, @Nullable Integer snapshotImportThreads) {

    public HrSourceSettings {
        sources = sources == null ? List.of() : List.copyOf(sources);
        rehireMatch = rehireMatch == null ? MatchKey.DEFAULT : List.copyOf(rehireMatch);
        webhookTolerance = webhookTolerance == null ? Duration.ofMinutes(5) : webhookTolerance;
        maxEventsPerRequest = maxEventsPerRequest == null ? 500 : maxEventsPerRequest;
        maxWebhookSize = maxWebhookSize == null ? org.springframework.util.unit.DataSize.ofMegabytes(1) : maxWebhookSize;
        maxWebhookReads = maxWebhookReads == null ? 8 : maxWebhookReads;
        snapshotMemoryRows = snapshotMemoryRows == null ? PreviousRows.MAX_ROWS : snapshotMemoryRows;
        if (snapshotMemoryRows < 0 || snapshotMemoryRows > PreviousRows.MAX_ROWS) {
            throw new IllegalArgumentException("roster.hr.snapshot-memory-rows must be between 0 and "
                + PreviousRows.MAX_ROWS + ", not " + snapshotMemoryRows);
        }
        snapshotSortMemory = snapshotSortMemory == null ? org.springframework.util.unit.DataSize.ofMegabytes(32)
            : snapshotSortMemory;
        if (snapshotSortMemory.toBytes() < 1024 || snapshotSortMemory.toBytes() > 1L << 30) {
            throw new IllegalArgumentException("roster.hr.snapshot-sort-memory must be between 1KB and 1GB, not "
                + snapshotSortMemory);
        }
        maxSnapshotImports = maxSnapshotImports == null ? 2 : maxSnapshotImports;
        if (maxSnapshotImports < 1) {
            throw new IllegalArgumentException("roster.hr.max-snapshot-imports must be at least 1, not " + maxSnapshotImports);
        }
        snapshotImportThreads = snapshotImportThreads == null ? 1 : snapshotImportThreads;
        if (snapshotImportThreads < 1 || snapshotImportThreads > 2) {
            throw new IllegalArgumentException("roster.hr.snapshot-import-threads must be 1 or 2, not "
                + snapshotImportThreads);
        }
        if (maxWebhookReads < 1 || maxWebhookSize.toBytes() < 1 || maxWebhookSize.toBytes() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("roster.hr: max-webhook-reads must be at least 1, max-webhook-size"
                + " between 1 byte and 2GB");
        }
    }

    public Optional<Source> source(String name) {
        return sources.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * One source.
     *
     * @param name unique; recorded with every HR event it delivers
     * @param type {@code webhook} or {@code snapshot}
     * @param secret the shared HMAC secret of a webhook source: a {@code ${ENV_VAR}} reference
     * @param mapping for a snapshot: worker field to column (or JSON key); a field not listed is read
     *     from the column of its own name
     * @param disappeared for a snapshot: what a worker missing from a new snapshot means:
     *     {@code report} (default) or {@code terminate}
     * @param maxDisappearedPercent for a snapshot with {@code disappeared: terminate}: above this share
     *     of the previous snapshot, nobody is terminated and all are reported (default 5)
     */
    public record Source(String name, String type, @Nullable String secret, @Nullable Map<String, String> mapping,
                         @Nullable Disappeared disappeared, @Nullable Double maxDisappearedPercent) {

        public Source {
            mapping = mapping == null ? Map.of() : Map.copyOf(mapping);
            disappeared = disappeared == null ? Disappeared.REPORT : disappeared;
            maxDisappearedPercent = maxDisappearedPercent == null ? 5.0 : maxDisappearedPercent;
        }

        /** The column a worker field is read from. */
        public String column(String field) {
            return mapping.getOrDefault(field, field);
        }
    }

    /** What a worker missing from a new snapshot means. */
    public enum Disappeared {
        /** Listed in the import's result and audited; nothing changes (default). */
        REPORT,
        /** Terminated, unless more disappeared than {@code max-disappeared-percent}: then only reported. */
        TERMINATE
    }
}
