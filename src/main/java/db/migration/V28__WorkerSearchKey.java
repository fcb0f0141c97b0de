package db.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.roster.hr.Worker;
import org.roster.hr.internal.WorkerRepository;
import org.roster.store.JsonColumns;

/** Fills {@code hr_worker_search} (added by V27) from each stored record. */
public class V28__WorkerSearchKey extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        WorkerBackfill.run(context.getConnection(),
            "insert into hr_worker_search (search_key, employee_number) values (?, ?)",
            record -> WorkerRepository.searchKey(JsonColumns.read(record, Worker.class)));
    }
}
