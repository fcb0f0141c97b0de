package db.migration;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Cluster mode over Kafka: whether an operation has been handed to its target's topic ({@code
 * relayed}, 0 until it has). On PostgreSQL a partial index holds just the unfinished operations not
 * yet relayed, so the relay reads its next batch without scanning the ones Kafka already has. (Every
 * new operation entered it, with or without Kafka, until operations dispatched without Kafka were
 * written with {@code relayed = 2}: see {@code OutboxRepository.DISPATCHED_HERE}.) H2, which has no
 * partial indexes, gets none: Kafka
 * mode needs a store several instances share, and that is PostgreSQL.
 */
public class V38__OutboxRelay extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        boolean postgres = Stores.postgres(context);
        try (Statement s = context.getConnection().createStatement()) {
            s.execute("alter table outbox add column relayed smallint default 0 not null");
            if (postgres) {
                s.execute("create index outbox_unrelayed on outbox (id) where status = 'PENDING' and relayed = 0");
            }
        }
    }
}
