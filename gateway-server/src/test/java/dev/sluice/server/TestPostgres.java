package dev.sluice.server;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A schema of its own on the real PostgreSQL (PGHOST, PGPORT, PGDATABASE, PGUSER; this machine's
 * by default), dropped on close, for a test's gateway to keep its tables in.
 */
final class TestPostgres implements AutoCloseable {

    static final String HOST = System.getenv().getOrDefault("PGHOST", "127.0.0.1");
    static final int PORT = Integer.parseInt(System.getenv().getOrDefault("PGPORT", "5432"));
    static final String DATABASE = System.getenv().getOrDefault("PGDATABASE", "test");
    static final String USER = System.getenv().getOrDefault("PGUSER", "postgres");

    private final String schema;

    private TestPostgres(String prefix) {
        this.schema = prefix + "_" + UUID.randomUUID().toString().replace("-", "");
        run("CREATE SCHEMA " + schema);
    }

    /** @return a new schema, named after the given prefix */
    static TestPostgres schema(String prefix) {
        return new TestPostgres(prefix);
    }

    /** @return the {@code database_url: ...} line of a config that keeps its tables in this schema */
    String databaseUrlLine() {
        return databaseUrlLine(PORT);
    }

    /** @return the same, through another port (a proxy in front of the database) */
    String databaseUrlLine(int port) {
        return "database_url: \"postgresql://%s@%s:%d/%s?currentSchema=%s\"".formatted(USER, HOST, port, DATABASE,
                schema);
    }

    /** @return a connection to the schema, to read what the gateway wrote */
    Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/" + DATABASE + "?currentSchema="
                + schema, USER, "");
    }

    static void run(String sql) {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/"
                + DATABASE, USER, ""); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + HOST + ":" + PORT + " refused: " + sql, e);
        }
    }

    @Override
    public void close() {
        run("DROP SCHEMA " + schema + " CASCADE");
    }
}
