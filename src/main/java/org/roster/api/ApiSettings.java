package org.roster.api;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code roster.api}: limits of the HTTP edge.
 *
 * @param maxRequestSize the largest request body accepted (default 10MB); a larger one is refused
 *     with 413 before it is read
 * @param maxSnapshotSize the largest HR snapshot upload (default 2GB); snapshots are streamed, never
 *     held in memory whole
 */
@ConfigurationProperties("roster.api")
public record ApiSettings(@Nullable DataSize maxRequestSize, @Nullable DataSize maxSnapshotSize) {

    /** Where snapshots are uploaded: the one path with its own, larger limit. */
    public static final String SNAPSHOT_PATH = "/api/v1/hr/snapshots";

    public ApiSettings {
        maxRequestSize = maxRequestSize == null ? DataSize.ofMegabytes(10) : maxRequestSize;
        maxSnapshotSize = maxSnapshotSize == null ? DataSize.ofGigabytes(2) : maxSnapshotSize;
    }
}
