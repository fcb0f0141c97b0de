package db.migration;

import java.sql.SQLException;
import java.util.Locale;
import org.flywaydb.core.api.migration.Context;

/** Which store a Java migration runs on: some of the schema is one store's only (not a migration itself). */
final class Stores {

    private Stores() {
    }

    static boolean postgres(Context context) throws SQLException {
        return product(context).contains("postgres");
    }

    static boolean h2(Context context) throws SQLException {
        return product(context).contains("h2");
    }

    private static String product(Context context) throws SQLException {
        return context.getConnection().getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    }
}
