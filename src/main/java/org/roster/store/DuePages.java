package org.roster.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Pages of what falls due, for a loop that walks them once ({@link org.roster.runtime.Retries#walk}): in
 * (due moment, key) order, each page after the last row of the one before, so that rows the loop could not
 * act on do not come back at the head of every page.
 */
public final class DuePages {

    private DuePages() {
    }

    /**
     * Up to {@code limit} rows of {@code dueByNow} (a query ending in a condition that binds {@code :now}), in
     * ({@code due}, {@code key}) order, after the row ({@code lastDue}, {@code lastKey}) (both null: from the
     * first).
     */
    public static <T> List<T> after(JdbcClient jdbc, String dueByNow, String due, String key, Instant now,
                                    @Nullable Instant lastDue, @Nullable String lastKey, int limit, RowMapper<T> rows) {
        String afterLast = lastKey == null ? "" : " and (" + due + ", " + key + ") > (:lastDue, :lastKey)";
        var statement = jdbc.sql(dueByNow + afterLast + " order by " + due + ", " + key + " limit :limit")
            .param("now", Timestamp.from(now)).param("limit", limit);
        if (lastKey != null) {
            statement = statement.param("lastDue", Timestamp.from(Objects.requireNonNull(lastDue)))
                .param("lastKey", lastKey);
        }
        return statement.query(rows).list();
    }
}
