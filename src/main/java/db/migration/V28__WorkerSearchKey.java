package db.migration;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.roster.hr.Worker;
import org.roster.hr.internal.WorkerRepository;
import org.roster.store.JsonColumns;

/** Fills {@code hr_worker_search} (added by V27) from each stored record. */
public class V28__WorkerSearchKey extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        try (PreparedStatement select = context.getConnection().prepareStatement(
                 "select employee_number, record from hr_worker");
             PreparedStatement update = context.getConnection().prepareStatement(
                 "insert into hr_worker_search (search_key, employee_number) values (?, ?)");
             ResultSet rs = select.executeQuery()) {
            int pending = 0;
            while (rs.next()) {
                update.setString(1, WorkerRepository.searchKey(JsonColumns.read(rs.getString(2), Worker.class)));
                update.setString(2, rs.getString(1));
                update.addBatch();
                if (++pending == 1000) {
                    update.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                update.executeBatch();
            }
        }
    }
}
