package db.migration;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * On PostgreSQL, drops the partial index of each identity's pending operations (V40). The reads of
 * one identity's unfinished operations now go through {@code outbox_by_identity} whatever the
 * statistics say (see {@code OutboxRepository.NOT_FINISHED}): the partial index, believed small by a
 * planner whose statistics lagged behind a bulk load, was read whole, dead entries included. Nothing
 * else reads it, and every operation planned wrote an entry in it.
 */
public class V42__OutboxNoPendingByIdentity extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        if (!Stores.postgres(context)) {
            return;
        }
        try (Statement s = context.getConnection().createStatement()) {
            s.execute("drop index outbox_pending_identity");
        }
    }
}
