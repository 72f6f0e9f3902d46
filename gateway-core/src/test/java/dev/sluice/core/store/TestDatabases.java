package dev.sluice.core.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Databases for tests: the real PostgreSQL server (a throwaway schema each time, addressed by
 * PGHOST, PGPORT, PGDATABASE and PGUSER, defaulting to 127.0.0.1:5432, test, postgres) and the
 * embedded H2 in a temporary folder.
 */
public final class TestDatabases {

    private TestDatabases() {
    }

    static String env(String name, String fallback) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank()).orElse(fallback);
    }

    /** @return the JDBC URL of the test database, without a schema */
    public static String postgresUrl() {
        return "jdbc:postgresql://" + env("PGHOST", "127.0.0.1") + ":" + env("PGPORT", "5432") + "/"
                + env("PGDATABASE", "test");
    }

    /** @return the PostgreSQL user of the tests */
    public static String postgresUser() {
        return env("PGUSER", "postgres");
    }

    /** @return a new, empty schema in the test database */
    public static String newPostgresSchema() {
        String schema = "sluice_test_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection connection = DriverManager.getConnection(postgresUrl(), postgresUser(), "");
             Statement statement = connection.createStatement()) {
            statement.execute("create schema " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is not reachable at " + postgresUrl()
                    + " (start it, or set PGHOST/PGPORT): " + e.getMessage(), e);
        }
        return schema;
    }

    /** Drops a schema made by {@link #newPostgresSchema()}. */
    public static void dropPostgresSchema(String schema) {
        try (Connection connection = DriverManager.getConnection(postgresUrl(), postgresUser(), "");
             Statement statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + schema + " cascade");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a migrated database of the given kind; PostgreSQL gets a new schema */
    public static Database open(Dialect dialect, Path dir) {
        return switch (dialect) {
            case H2 -> Database.open(Optional.empty(), dir);
            case POSTGRESQL -> Database.openJdbc(postgresUrl() + "?currentSchema=" + newPostgresSchema(),
                    postgresUser(), Dialect.POSTGRESQL);
        };
    }

    /** Closes a database, dropping its schema if it is a PostgreSQL one. */
    public static void close(Database database) {
        database.close();
        String description = database.description();
        int at = description.indexOf("currentSchema=");
        if (database.dialect() == Dialect.POSTGRESQL && at >= 0) {
            dropPostgresSchema(description.substring(at + "currentSchema=".length()));
        }
    }
}
