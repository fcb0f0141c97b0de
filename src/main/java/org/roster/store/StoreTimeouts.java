package org.roster.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Bounds how long a connection to PostgreSQL waits for an answer ({@code roster.store.socket-timeout},
 * the driver's {@code socketTimeout}). A server that vanished without closing its connections (its
 * host gone in a failover, a network partition) never answers a statement in flight, and nothing else
 * tells the client: without a bound, the request or background loop that sent it waits for good, a
 * loop stuck so never works again, and the connection it holds is lost to the pool. With it, the
 * statement fails after that long as a lost connection does (503 with {@code Retry-After} for a
 * request, a retry for a loop), and the pool opens a new connection. The bound is on each wait for
 * bytes, not on a whole statement: a long result that keeps arriving is not cut off, a statement the
 * server works on for longer than the bound before its first row is. Schema migrations, which may
 * build an index over a large table, are not bounded ({@link #unbounded}).
 *
 * <p>The server gets the same bound for a session of Roster's left idle inside a transaction ({@code
 * idle_in_transaction_session_timeout}): a session whose client vanished in a partition that heals
 * would otherwise keep its locks until the server's TCP keepalive noticed, two hours by default.
 *
 * <p>A URL or data source property that sets {@code socketTimeout} itself is kept, and so are {@code
 * options} that name {@code idle_in_transaction_session_timeout} (or a URL with {@code options}). H2
 * (embedded) has no network and is not concerned.
 */
public final class StoreTimeouts implements BeanPostProcessor {

    /** The configuration key, in milliseconds; 0 for no bound. */
    public static final String KEY = "roster.store.socket-timeout";
    public static final long DEFAULT_MILLIS = 60_000;

    private final long socketTimeoutMillis;

    public StoreTimeouts(long socketTimeoutMillis) {
        if (socketTimeoutMillis < 0) {
            throw new IllegalStateException(KEY + ": must be 0 (no bound) or a number of milliseconds, not " + socketTimeoutMillis);
        }
        this.socketTimeoutMillis = socketTimeoutMillis;
    }

    /** Reads {@value #KEY}; a value that is not a whole number is refused with the key named. */
    public static StoreTimeouts of(@org.jspecify.annotations.Nullable String configured) {
        if (configured == null || configured.isBlank()) {
            return new StoreTimeouts(DEFAULT_MILLIS);
        }
        try {
            return new StoreTimeouts(Long.parseLong(configured.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(KEY + ": must be 0 (no bound) or a number of milliseconds, not '" + configured + "'", e);
        }
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (!(bean instanceof HikariDataSource hikari) || hikari.getJdbcUrl() == null
            || !hikari.getJdbcUrl().startsWith("jdbc:postgresql:")) {
            return bean;
        }
        String url = hikari.getJdbcUrl();
        if (!url.contains("socketTimeout") && !hikari.getDataSourceProperties().containsKey("socketTimeout")) {
            hikari.addDataSourceProperty("socketTimeout", Long.toString(seconds(socketTimeoutMillis)));
        }
        // the server's side of the same bound: a session of Roster's left idle in a transaction that long
        // is ended by the server, so that one whose client vanished in a partition lets its locks go (the
        // audit chain's head among them, which every HR change takes) instead of holding them until the
        // server's TCP keepalive finds it out, two hours by default
        String options = hikari.getDataSourceProperties().getProperty("options");
        if (socketTimeoutMillis > 0 && !url.contains("options=")
            && (options == null || !options.contains("idle_in_transaction_session_timeout"))) {
            hikari.addDataSourceProperty("options", (options == null ? "" : options + " ")
                + "-c idle_in_transaction_session_timeout=" + socketTimeoutMillis);
        }
        return bean;
    }

    /** The driver takes whole seconds: a bound under a second is a second, 0 stays none. */
    static long seconds(long millis) {
        return millis == 0 ? 0 : Math.max(1, (millis + 999) / 1000);
    }

    /**
     * The data source as schema migrations use it: each connection waits for the server's answers as
     * long as they take (an index built over millions of rows), and is bounded again once back in the
     * pool (Hikari restores a connection's network timeout when it is returned).
     */
    public static DataSource unbounded(DataSource pool) {
        return new DelegatingDataSource(pool) {
            @Override
            public Connection getConnection() throws SQLException {
                return withoutBound(super.getConnection());
            }

            @Override
            public Connection getConnection(String username, String password) throws SQLException {
                return withoutBound(super.getConnection(username, password));
            }
        };
    }

    private static Connection withoutBound(Connection c) throws SQLException {
        if (c.getNetworkTimeout() != 0) {
            try {
                c.setNetworkTimeout(Runnable::run, 0);
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        }
        return c;
    }
}
