package org.roster.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Makes a commit mean "on disk" before Roster answers, whatever store URL the operator gave, and
 * says at start what the store promises.
 *
 * <ul>
 * <li>H2 (file): H2 writes committed changes from a background thread every {@code WRITE_DELAY}
 * ms (500 by default), so a process killed within that delay loses changes it had acknowledged.
 * With {@code WRITE_DELAY=0} every commit writes the store's file before the commit returns, and
 * {@link H2AtomicCommits} makes what it writes hold the whole transaction or none of it; after a kill,
 * {@link H2Leftovers} clears what transactions that never committed left in it.
 * H2 does not fsync it: the change survives a crash of Roster (the operating system holds the
 * write), not a crash of the machine or a power cut. That is what the embedded store promises.</li>
 * <li>PostgreSQL: with {@code synchronous_commit=off} (a server or database default some set for
 * speed) a commit returns before its WAL is flushed. Roster's own sessions set it back to
 * {@code on} when it is {@code off}, keeping any stronger setting ({@code remote_apply}...).
 * {@code fsync=off} cannot be mended from a session: Roster says so at start.</li>
 * </ul>
 *
 * A URL that sets a non-zero H2 write delay on purpose is kept, with a warning.
 */
public final class StoreDurability implements BeanPostProcessor {

    private static final Logger log = LoggerFactory.getLogger(StoreDurability.class);
    private static final Pattern WRITE_DELAY = Pattern.compile(";WRITE_DELAY=(\\d+)", Pattern.CASE_INSENSITIVE);

    /** Run once per new PostgreSQL connection: sessions whose commits would return before the WAL is flushed get it flushed. */
    static final String POSTGRES_INIT = "SELECT set_config('synchronous_commit', 'on', false) "
        + "WHERE current_setting('synchronous_commit') = 'off'";

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null) {
            String url = hikari.getJdbcUrl();
            if (isH2File(url)) {
                hikari.setJdbcUrl(durableH2Url(url));
                // the pool's connections come from here, not from the URL: each commit whole on disk
                DataSource h2 = H2AtomicCommits.dataSource(hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword());
                try {
                    H2Leftovers.clearIfKilled(hikari.getJdbcUrl(), h2, true);
                } catch (SQLException e) {
                    throw new IllegalStateException("roster.store.url: the H2 store cannot be opened: " + e.getMessage(), e);
                }
                hikari.setDataSource(h2);
                if (hikari.getExceptionOverride() == null && hikari.getExceptionOverrideClassName() == null) {
                    hikari.setExceptionOverride(H2AtomicCommits.closedStore(hikari));
                }
            } else if (url.startsWith("jdbc:postgresql:")) {
                if (hikari.getConnectionInitSql() == null) {
                    hikari.setConnectionInitSql(POSTGRES_INIT);
                }
                // a JDBC batch of inserts (audit records, outbox operations, events) goes as multi-row
                // INSERTs: one round trip per 128 rows instead of one per row
                if (!url.contains("reWriteBatchedInserts")) {
                    hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
                }
                // every execution planned with its own values: a plan cached while a table was small
                // (a first load starts from empty, and statistics lag behind it) is not reused once it
                // is large; and an IN list's values are constants the executor can hash (see
                // docs/benchmarks.md: a generic plan scanned target_account comparing each row with
                // 500 parameters, 100 ms a read)
                String options = hikari.getDataSourceProperties().getProperty("options");
                if (!url.contains("options=") && (options == null || !options.contains("plan_cache_mode"))) {
                    hikari.addDataSourceProperty("options",
                        (options == null ? "" : options + " ") + "-c plan_cache_mode=force_custom_plan");
                }
            }
        }
        return bean;
    }

    /**
     * A connection of its own to the store at {@code url}, for tools that read it while Roster is
     * stopped: an H2 file is opened as Roster opens it (rows a killed Roster left over cleared first,
     * commits whole), anything else through its JDBC driver.
     */
    public static Connection connect(String url, String user, String password) throws SQLException {
        if (!isH2File(url)) {
            return java.sql.DriverManager.getConnection(url, user, password);
        }
        DataSource h2 = H2AtomicCommits.dataSource(url, user, password);
        H2Leftovers.clearIfKilled(url, h2, false);
        return h2.getConnection();
    }

    static boolean isH2File(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        return u.startsWith("jdbc:h2:") && !u.startsWith("jdbc:h2:mem:") && !u.startsWith("jdbc:h2:tcp:")
            && !u.startsWith("jdbc:h2:ssl:");
    }

    /** The H2 URL with every commit written before it returns; a write delay the URL sets on purpose is kept. */
    static String durableH2Url(String url) {
        Matcher m = WRITE_DELAY.matcher(url);
        if (!m.find()) {
            return url + ";WRITE_DELAY=0";
        }
        if (!m.group(1).equals("0")) {
            log.warn("roster.store.url sets WRITE_DELAY={}: changes acknowledged in the last {} ms before a crash can be lost;"
                + " remove it to write each commit before answering", m.group(1), m.group(1));
        }
        return url;
    }

    /**
     * One line at start saying what a commit survives on this store, read from the database itself.
     *
     * @return the line, also logged (at WARN when a commit would not survive a crash of the database server)
     */
    public static String describe(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName();
            if (product.toLowerCase(Locale.ROOT).contains("postgres")) {
                String fsync = setting(c, "SHOW fsync");
                String commit = setting(c, "SHOW synchronous_commit");
                String line = "store: PostgreSQL " + c.getMetaData().getDatabaseProductVersion() + ", synchronous_commit="
                    + commit + ", fsync=" + fsync;
                if ("off".equals(fsync) || "off".equals(commit)) {
                    log.warn("{}: acknowledged changes can be lost if the database server crashes; set fsync=on"
                        + " and synchronous_commit=on", line);
                } else {
                    log.info("{}: each acknowledged change is on disk before Roster answers", line);
                }
                return line;
            }
            String delay = setting(c, "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'");
            String line = "store: " + product + " file, WRITE_DELAY=" + delay;
            if ("0".equals(delay)) {
                log.info("{}: each acknowledged change is written before Roster answers (survives a crash of Roster,"
                    + " not of the machine: use PostgreSQL for that)", line);
            } else {
                log.warn("{}: changes acknowledged in the last {} ms can be lost in a crash", line, delay);
            }
            return line;
        } catch (SQLException e) {
            log.warn("store: cannot read its durability settings: {}", e.getMessage());
            return "store: unknown";
        }
    }

    private static @Nullable String setting(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
