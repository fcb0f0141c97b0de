package db.migration;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The outbox is a queue: rows arrive PENDING and end DONE, and the dispatcher reads only the
 * pending ones. On PostgreSQL a partial index holds just those, by target, priority and id, so the
 * lanes' reads stay as short as the queue, whatever the table has seen (docs/benchmarks.md: at
 * 300 000 rows the dispatcher's reads along the wide {@code outbox_lane} index took 110 ms each). H2
 * has no partial indexes and keeps reading {@code outbox_lane}.
 */
public class V39__OutboxPendingIndex extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        if (!Stores.postgres(context)) {
            return;
        }
        try (Statement s = context.getConnection().createStatement()) {
            s.execute("create index outbox_pending on outbox (target, priority, id) where status = 'PENDING'");
        }
    }
}
