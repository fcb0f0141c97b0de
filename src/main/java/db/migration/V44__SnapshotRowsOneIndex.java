package db.migration;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * One B-tree for a snapshot's rows instead of two over the same columns. The primary key was
 * {@code (employee_number, source)} (V4) and {@code hr_snapshot_row_source} indexed
 * {@code (source, employee_number)} (V37) for the pages of a source's rows in employee-number order.
 * Every query names its source ({@code source = ?}, with one employee number, a batch of them, or the
 * ones after a key), so the key in that order serves them all: it becomes the primary key and the
 * second index goes. A first import writes one index entry a worker fewer. On a store with a large
 * last snapshot the first start after an upgrade builds the new key, writes to the table waiting
 * meanwhile.
 */
public class V44__SnapshotRowsOneIndex extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement s = context.getConnection().createStatement()) {
            if (Stores.postgres(context)) {
                s.execute("alter table hr_snapshot_row drop constraint hr_snapshot_row_pkey");
            } else {
                s.execute("alter table hr_snapshot_row drop primary key");
            }
            s.execute("alter table hr_snapshot_row add constraint hr_snapshot_row_pkey primary key (source, employee_number)");
            s.execute("drop index hr_snapshot_row_source");
        }
    }
}
