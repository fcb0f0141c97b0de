package db.migration;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * On PostgreSQL, cheaper indexes for the two append-only logs' secondary keys that only filter.
 * Every audit record paid for four B-tree entries (about seven records a worker in a first import,
 * the largest share of PostgreSQL's time, docs/benchmarks.md); two of them now cost little or
 * nothing for most records:
 *
 * <ul>
 *   <li>{@code audit_recorded} and {@code lifecycle_event_time}: a time window over a table written
 *   in time order is a range of its blocks, so a block-range index (BRIN: the least and greatest
 *   time of every 128 pages) finds it at a fraction of a B-tree's upkeep and size. Ranges are
 *   summarised as they fill ({@code autosummarize}) and by every vacuum;</li>
 *   <li>{@code audit_target}: kept for the records that name a target only. Queries always ask for
 *   one target ({@code target = ?}), which implies the index's condition; most records (HR events,
 *   transitions, policy decisions, plans) name none.</li>
 * </ul>
 *
 * The reads by identity, the chain's order and every query's results are unchanged. H2 has neither
 * kind of index and keeps its B-trees. On a store with a long trail the first start after an upgrade
 * builds the new indexes, writes to the two tables waiting meanwhile: about 0.4 s per million audit
 * records on the benchmark machine (2.1 million: 0.54 s for the target's, 0.23 s for the time's).
 */
public class V43__LogIndexesByBlockRange extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        if (!Stores.postgres(context)) {
            return;
        }
        try (Statement s = context.getConnection().createStatement()) {
            s.execute("drop index audit_recorded");
            s.execute("create index audit_recorded on audit_record using brin (recorded_at) with (autosummarize = on)");
            s.execute("drop index lifecycle_event_time");
            s.execute("create index lifecycle_event_time on lifecycle_event using brin (occurred_at) with (autosummarize = on)");
            s.execute("drop index audit_target");
            s.execute("create index audit_target on audit_record (target, seq) where target is not null");
        }
    }
}
