package db.migration;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fills {@code hr_worker.email_key} (added by V24) from each stored record's e-mail, lower-cased,
 * so that a person signing in can be linked to their HR record by e-mail. Written in Java because
 * H2 and PostgreSQL read JSON text differently.
 */
public class V25__WorkerEmailKey extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        try (PreparedStatement select = context.getConnection().prepareStatement(
                 "select employee_number, record from hr_worker");
             PreparedStatement update = context.getConnection().prepareStatement(
                 "update hr_worker set email_key = ? where employee_number = ?");
             ResultSet rs = select.executeQuery()) {
            int pending = 0;
            while (rs.next()) {
                JsonNode email = json.readTree(rs.getString(2)).path("email");
                if (email.isString() && !email.asString().isBlank()) {
                    update.setString(1, email.asString().toLowerCase(Locale.ROOT));
                    update.setString(2, rs.getString(1));
                    update.addBatch();
                    if (++pending == 1000) {
                        update.executeBatch();
                        pending = 0;
                    }
                }
            }
            if (pending > 0) {
                update.executeBatch();
            }
        }
    }
}
