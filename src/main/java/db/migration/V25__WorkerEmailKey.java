package db.migration;

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
        WorkerBackfill.run(context.getConnection(), "update hr_worker set email_key = ? where employee_number = ?",
            record -> {
                JsonNode email = json.readTree(record).path("email");
                return email.isString() && !email.asString().isBlank() ? email.asString().toLowerCase(Locale.ROOT) : null;
            });
    }
}
