package db.migration;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * On PostgreSQL, the unfinished operations of one identity get a partial index of their own. A
 * planner whose statistics lag behind a bulk load believes the pending operations are few; with only
 * {@code outbox_pending} (target, priority, id) to match {@code status = 'PENDING'}, it read that
 * whole index for every identity's pending operations: 5 to 6 ms a lookup with 100 000 operations
 * waiting, which was most of an HR change's time during an import (docs/benchmarks.md). Planning
 * asks this for every changed worker. H2 has no partial indexes and uses {@code outbox_by_identity}.
 */
public class V40__OutboxPendingByIdentity extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        if (!Stores.postgres(context)) {
            return;
        }
        try (Statement s = context.getConnection().createStatement()) {
            s.execute("create index outbox_pending_identity on outbox (identity_key, id) where status = 'PENDING'");
        }
    }
}
