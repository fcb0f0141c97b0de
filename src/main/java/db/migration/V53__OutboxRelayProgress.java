package db.migration;

import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Cluster mode over Kafka: the relay keeps how far it has handed operations to Kafka in a row of its
 * own ({@code outbox_relay.next_id}: every operation below it is relayed or finished) instead of
 * marking each operation relayed. The mark was an update PostgreSQL could not make in place, some 45
 * to 65 µs of its time an operation, as much as the rest of cluster mode's own statements during an
 * import (docs/benchmarks.md). The partial index the relay read ({@code outbox_unrelayed}, V38) goes;
 * the column {@code relayed} stays, no longer written or read.
 *
 * <p>The relay starts at the oldest unfinished operation not marked relayed by the version before
 * (planned over Kafka and not yet handed over, or planned without Kafka), or after the last
 * operation when there is none.
 */
public class V53__OutboxRelayProgress extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        long start;
        try (Statement s = context.getConnection().createStatement();
             ResultSet rs = s.executeQuery("select coalesce((select min(id) from outbox where status = 'PENDING'"
                 + " and relayed <> 1), (select max(id) + 1 from outbox), 1)")) {
            rs.next();
            start = rs.getLong(1);
        }
        try (Statement s = context.getConnection().createStatement()) {
            s.execute("create table outbox_relay (id int primary key, next_id bigint not null)");
            s.execute("insert into outbox_relay (id, next_id) values (1, " + start + ")");
            if (Stores.postgres(context)) {
                s.execute("drop index outbox_unrelayed");
            }
        }
    }
}
