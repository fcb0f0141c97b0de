package org.roster.api.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/** How pages write times: to the millisecond in UTC, and what followed as "+12 ms" after it. */
public final class Formats {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS'Z'")
        .withZone(ZoneOffset.UTC);

    public String time(@Nullable Instant t) {
        return t == null ? "—" : TIME.format(t);
    }

    /** {@code t} as a delay after {@code from}: "+6 ms", "+1.2 s", "+3 min". */
    public String after(@Nullable Instant from, @Nullable Instant t) {
        if (from == null || t == null) {
            return "—";
        }
        return "+" + span(Duration.between(from, t));
    }

    public String span(@Nullable Duration d) {
        if (d == null) {
            return "—";
        }
        long ms = d.toMillis();
        if (ms < 1_000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        if (ms < 3_600_000) {
            return (ms / 60_000) + " min";
        }
        return String.format(java.util.Locale.ROOT, "%.1f h", ms / 3_600_000.0);
    }
}
