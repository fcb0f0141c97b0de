package org.roster.hr;

/** The formats an HR snapshot can come in. */
public enum SnapshotFormat {
    /** Comma-separated, with a header row naming the columns. */
    CSV,
    /** One JSON array of objects. */
    JSON,
    /** JSON Lines: one object per line. */
    NDJSON
}
