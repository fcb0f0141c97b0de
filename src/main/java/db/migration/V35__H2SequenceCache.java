package db.migration;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * On H2 only: every identity column hands out values from a cache of 10 000 instead of 32. H2
 * records a sequence's position by committing a system transaction each time its cache runs out,
 * and with the embedded store's per-commit write that meant writing every changed page of the
 * database every 32 rows of the outbox, the audit trail and the HR and lifecycle events: a third of
 * an HR import's time (docs/benchmarks.md). H2's cache is shared by all sessions, so values still
 * come in the order they are asked for; a crash skips what was cached, which leaves a gap and
 * nothing else. PostgreSQL is left alone: there each session has its own cache, and values would no
 * longer follow the order operations were planned in.
 */
public class V35__H2SequenceCache extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        if (!Stores.h2(context)) {
            return;
        }
        List<String[]> columns = new ArrayList<>();
        try (Statement s = context.getConnection().createStatement();
             ResultSet rs = s.executeQuery("select table_name, column_name from information_schema.columns"
                 + " where is_identity = 'YES' and table_schema = current_schema")) {
            while (rs.next()) {
                columns.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        try (Statement s = context.getConnection().createStatement()) {
            for (String[] c : columns) {
                s.execute("alter table \"" + c[0] + "\" alter column \"" + c[1] + "\" set cache 10000");
            }
        }
    }
}
