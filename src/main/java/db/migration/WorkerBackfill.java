package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Fills a value derived from each stored HR record, for a migration that adds it: reads every
 * worker's record and runs {@code statement} with the value and the employee number, in batches.
 * (Not a migration itself: Flyway runs only the classes that are.)
 */
final class WorkerBackfill {

    private WorkerBackfill() {
    }

    /**
     * @param statement two parameters: the value, then the employee number
     * @param value the value for a record's JSON, or null to skip that worker
     */
    static void run(Connection connection, String statement, Function<String, @Nullable String> value) throws Exception {
        try (PreparedStatement select = connection.prepareStatement("select employee_number, record from hr_worker");
             PreparedStatement write = connection.prepareStatement(statement);
             ResultSet rs = select.executeQuery()) {
            int pending = 0;
            while (rs.next()) {
                String v = value.apply(rs.getString(2));
                if (v == null) {
                    continue;
                }
                write.setString(1, v);
                write.setString(2, rs.getString(1));
                write.addBatch();
                if (++pending == 1000) {
                    write.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                write.executeBatch();
            }
        }
    }
}
