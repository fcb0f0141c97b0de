package org.roster.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Fresh, migrated databases for store tests: an H2 in PostgreSQL mode (the embedded default) and a
 * real PostgreSQL 17 (the production store) started once per test JVM.
 */
public final class Databases {

    private static EmbeddedPostgres postgres;

    private Databases() {
    }

    public enum Kind { H2, POSTGRESQL }

    /** A new empty database of this kind with Roster's migrations applied. */
    public static DataSource fresh(Kind kind) {
        DataSource ds = empty(kind);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        return ds;
    }

    /** A new empty database of this kind, not migrated: for a test of an upgrade from an earlier version. */
    public static DataSource empty(Kind kind) {
        return kind == Kind.H2 ? h2() : postgresDatabase();
    }

    /** The JDBC URL of a new empty PostgreSQL database (not migrated), for whole-application tests. */
    public static String freshPostgresUrl() {
        String name = createPostgresDatabase();
        return postgres().getJdbcUrl("postgres", name);
    }

    /**
     * The first column of the first row a query returns on a PostgreSQL database of {@link
     * #freshPostgresUrl()}, as text ("" when there is no row): for a test reading the store behind
     * Roster processes.
     */
    public static String queryOne(String url, String sql) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? String.valueOf(rs.getString(1)) : "";
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The first two columns of every row a query returns, as text, the first column a map's key. */
    public static java.util.Map<String, String> queryPairs(String url, String sql) {
        java.util.Map<String, String> rows = new java.util.LinkedHashMap<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getString(2));
            }
            return rows;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The JDBC URL of a new H2 file store under {@code target/} (the embedded default, as a benchmark runs it). */
    public static String freshH2FileUrl(String name) {
        try {
            java.nio.file.Files.createDirectories(java.nio.file.Path.of("target"));
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory(java.nio.file.Path.of("target"), name);
            // gone when the JVM ends (a million-row benchmark's store is some 12 GB; five filled the disk)
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "delete " + dir.getFileName()));
            // -Dbench.h2.write-delay=500 measures H2's own default (commits written up to 500 ms later, lost in a crash)
            String delay = System.getProperty("bench.h2.write-delay");
            // -Dbench.h2.cache-size=65536 gives H2's page cache 64 MB (in KB; H2's default is 16 MB)
            String cache = System.getProperty("bench.h2.cache-size");
            // -Dbench.h2.page-size=4096 splits H2's pages at 4 KB instead of its default 16 KB (PAGE_SIZE)
            String page = System.getProperty("bench.h2.page-size");
            return "jdbc:h2:file:" + dir.toAbsolutePath() + "/roster;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;QUERY_CACHE_SIZE=256"
                + (delay == null ? "" : ";WRITE_DELAY=" + Integer.parseInt(delay))
                + (cache == null ? "" : ";CACHE_SIZE=" + Integer.parseInt(cache))
                + (page == null ? "" : ";PAGE_SIZE=" + Integer.parseInt(page));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a store under target/", e);
        }
    }

    /**
     * Points a whole-application benchmark at a fresh store: {@code -Dbench.store=h2} (the embedded
     * default, a file under {@code target/}) or {@code postgresql} (embedded PostgreSQL 17).
     *
     * @return the store's name, for the report
     */
    public static String benchmarkStore(org.springframework.test.context.DynamicPropertyRegistry r, String name) {
        String store = System.getProperty("bench.store", "h2");
        if (store.equals("postgresql")) {
            String url = freshPostgresUrl();
            r.add("roster.store.url", () -> url);
            r.add("roster.store.username", () -> "postgres");
            return "PostgreSQL 17";
        }
        String url = freshH2FileUrl(name);
        r.add("roster.store.url", () -> url);
        return "H2 file";
    }

    private static void deleteTree(java.nio.file.Path dir) {
        try {
            org.springframework.util.FileSystemUtils.deleteRecursively(dir);
        } catch (IOException | RuntimeException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }

    private static DataSource h2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        return ds;
    }

    private static DataSource postgresDatabase() {
        return postgres().getDatabase("postgres", createPostgresDatabase());
    }

    private static String createPostgresDatabase() {
        String name = "roster_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = postgres().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return name;
    }

    private static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setOverrideWorkingDirectory(new File("target/epg"));
                String log = System.getProperty("pg.log_statement"); // e.g. all: every statement, in target/pglog
                // e.g. 100: the plan, timings and buffers of every statement that took 100 ms or more, in target/pglog
                String explain = System.getProperty("pg.auto_explain");
                if (log != null || explain != null) {
                    builder.setServerConfig("logging_collector", "on")
                        .setServerConfig("log_directory", new File("target/pglog").getAbsolutePath());
                }
                if (log != null) {
                    builder.setServerConfig("log_statement", log);
                }
                // e.g. 4GB: PostgreSQL's own page cache, as a server sized for its data would have (default 128MB)
                String buffers = System.getProperty("pg.shared_buffers");
                if (buffers != null) {
                    builder.setServerConfig("shared_buffers", buffers);
                }
                // e.g. 16GB: WAL kept between checkpoints (default 1GB), so that a bulk load is not checkpointed every
                // few seconds, each checkpoint making the next change of every page write the whole page to the WAL
                String wal = System.getProperty("pg.max_wal_size");
                if (wal != null) {
                    builder.setServerConfig("max_wal_size", wal);
                }
                // on: each commit flushed to the disk, as a production server does (the embedded server's default is
                // off), for a benchmark of what waiting for the disk costs
                String fsync = System.getProperty("pg.fsync");
                if (fsync != null) {
                    builder.setServerConfig("fsync", fsync);
                }
                // true: pg_stat_statements collects every statement's total time (a benchmark can then list them)
                boolean statements = Boolean.getBoolean("pg.stat_statements");
                String preload = String.join(",", java.util.stream.Stream.of(explain != null ? "auto_explain" : null,
                    statements ? "pg_stat_statements" : null).filter(java.util.Objects::nonNull).toList());
                if (!preload.isEmpty()) {
                    builder.setServerConfig("shared_preload_libraries", preload);
                }
                if (statements) {
                    builder.setServerConfig("pg_stat_statements.track_planning", "on");
                }
                if (explain != null) {
                    builder
                        .setServerConfig("auto_explain.log_min_duration", explain)
                        .setServerConfig("auto_explain.log_analyze", "on")
                        .setServerConfig("auto_explain.log_buffers", "on")
                        .setServerConfig("auto_explain.log_wal", "on")
                        .setServerConfig("auto_explain.log_nested_statements", "on");
                }
                postgres = builder.start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }));
        }
        return postgres;
    }
}
