package db.migration;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The outbox is written three times per operation (planned, sent, acknowledged), and a write that
 * cannot be a heap-only update adds an entry to every index of the table. It had eight indexes on
 * PostgreSQL; each of those writes cost 60 µs, the largest single share of PostgreSQL's time during
 * an import (docs/benchmarks.md). This keeps those that a query needs:
 *
 * <ul>
 *   <li>{@code outbox_identity} (target, identity, id): the pending operations of an identity on a
 *   target are found through the identity's own index (a few rows each): dropped on both stores;</li>
 *   <li>on PostgreSQL, {@code outbox_lane} (status, target, priority, id) is replaced by the partial
 *   indexes of the states the queries ask for: {@code outbox_pending} (V39) for pending work and the
 *   new {@code outbox_dead} for the dead letters. H2 has no partial indexes and keeps it;</li>
 *   <li>on PostgreSQL, the safety guard's {@code outbox_guard} keeps only the removals it counts.</li>
 * </ul>
 *
 * On PostgreSQL the table also leaves a fifth of each page free, so that marking an operation sent
 * (its time and attempt count, neither indexed) can rewrite it in its page without touching an
 * index: about a third of those marks did, in a 100 000-row import (docs/benchmarks.md).
 */
public class V41__OutboxFewerIndexes extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement s = context.getConnection().createStatement()) {
            s.execute("drop index outbox_identity");
            if (!Stores.postgres(context)) {
                return;
            }
            s.execute("drop index outbox_lane");
            s.execute("create index outbox_dead on outbox (target, id) where status = 'DEAD'");
            s.execute("drop index outbox_guard");
            s.execute("""
                create index outbox_guard on outbox (target, source, planned_at)
                where kind in ('DISABLE', 'DELETE', 'NHI_DISABLE', 'NHI_DELETE')""");
            s.execute("alter table outbox set (fillfactor = 80)");
        }
    }
}
