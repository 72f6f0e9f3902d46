package dev.sluice.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.api.Secret;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's database: PostgreSQL when {@code database_url} (or {@code DATABASE_URL}) is set,
 * else an H2 file database under the data dir, in PostgreSQL mode, so a single node needs nothing
 * installed. Opened with its schema migrated to the current version.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;
    private final Jdbi jdbi;
    private final Dialect dialect;
    private final String description;
    private final AtomicBoolean down = new AtomicBoolean();

    private Database(HikariDataSource pool, Dialect dialect, String description) {
        this.pool = pool;
        this.jdbi = Jdbi.create(pool);
        this.dialect = dialect;
        this.description = description;
    }

    /**
     * Opens the database and migrates its schema.
     *
     * @param databaseUrl {@code database_url}, if configured
     * @param dataDir     where the embedded database lives otherwise
     * @return the open database
     */
    public static Database open(Optional<Secret> databaseUrl, Path dataDir) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("sluice-db");
        // A call that needs the database while it is down gives up after this (and later ones at once, see available())
        config.setConnectionTimeout(Duration.ofSeconds(2).toMillis());
        Dialect dialect;
        String description;
        if (databaseUrl.isPresent()) {
            DatabaseUrl url = DatabaseUrl.parse(databaseUrl.get().value());
            config.setJdbcUrl(url.jdbcUrl());
            if (url.user() != null) {
                config.setUsername(url.user());
            }
            if (url.password() != null) {
                config.setPassword(url.password().value());
            }
            config.setMaximumPoolSize(10);
            // the spend writer's batches go as multi-row inserts rather than a statement per row
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
            dialect = Dialect.POSTGRESQL;
            description = url.jdbcUrl();
        } else {
            Path file = dataDir.toAbsolutePath().resolve("sluice");
            // CACHE_SIZE (KB) bounds H2's page cache inside the gateway's heap. DB_CLOSE_ON_EXIT=FALSE:
            // H2's own shutdown hook would close the database while the gateway's is still writing
            // the last spend records (they would wait in the journal for the next start).
            // WRITE_DELAY=0: each commit reaches the file before it returns; H2's default holds commits
            // in memory for up to half a second, so a killed process lost keys it had just created
            config.setJdbcUrl("jdbc:h2:file:" + file + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                    + "DEFAULT_NULL_ORDERING=HIGH;CACHE_SIZE=16384;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
            config.setUsername("sluice");
            config.setPassword("");
            config.setMaximumPoolSize(4);
            dialect = Dialect.H2;
            description = "embedded H2 at " + file + ".mv.db";
        }
        HikariDataSource pool = new HikariDataSource(config(config));
        try {
            Database database = new Database(pool, dialect, description);
            new Migrations(database).apply();
            LOG.info("Database: {}", description);
            return database;
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** Opens a database on a JDBC URL as it is, for tests. */
    static Database openJdbc(String jdbcUrl, String user, Dialect dialect) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setMaximumPoolSize(4);
        HikariDataSource pool = new HikariDataSource(config(config));
        Database database = new Database(pool, dialect, jdbcUrl);
        new Migrations(database).apply();
        return database;
    }

    /**
     * Every session runs in UTC, on both databases, so that a day in a report (the date of a
     * timestamp) is the same UTC day whatever the server's or the JVM's zone.
     */
    private static HikariConfig config(HikariConfig config) {
        config.setConnectionInitSql("SET TIME ZONE 'UTC'");
        return config;
    }

    /** @return Jdbi on the pool */
    public Jdbi jdbi() {
        return jdbi;
    }

    /** @return which database this is */
    public Dialect dialect() {
        return dialect;
    }

    /** @return where the database is, without credentials */
    public String description() {
        return description;
    }

    /**
     * @return whether a connection can be had and answers, within two seconds; at once while the
     *         database is known to be down
     */
    public boolean isReachable() {
        if (down.get()) {
            return false;
        }
        if (connects()) {
            return true;
        }
        markDown();
        return false;
    }

    /**
     * @return false from the moment a connection could not be had until a background probe gets
     *         one again, so calls that would wait on the pool fail at once instead
     */
    public boolean available() {
        return !down.get();
    }

    /**
     * Tells the database a call on it failed; if it failed to reach it, the database counts as
     * down (see {@link #available()}) until a probe reaches it again.
     *
     * @return whether the failure was one of reaching the database
     */
    public boolean failedToConnect(Throwable failure) {
        if (!isConnectionFailure(failure)) {
            return false;
        }
        markDown();
        return true;
    }

    /** @return whether the failure is one of reaching the database, not of the statement */
    public static boolean isConnectionFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLTransientConnectionException
                    || cause instanceof java.sql.SQLNonTransientConnectionException
                    || cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")
                    || cause instanceof java.net.ConnectException) {
                return true;
            }
        }
        return false;
    }

    private void markDown() {
        if (down.compareAndSet(false, true)) {
            LOG.error("Database {} cannot be reached: keys and accounts in use are served from memory, spend waits in "
                    + "the journal, unknown keys get 503 until it is back", description);
            Thread.ofVirtual().name("sluice-db-probe").start(this::probeUntilBack);
        }
    }

    private void probeUntilBack() {
        long started = System.nanoTime();
        while (!pool.isClosed()) {
            if (connects()) {
                down.set(false);
                LOG.info("Database {} is reachable again after {} s", description,
                        Duration.ofNanos(System.nanoTime() - started).toSeconds());
                return;
            }
            LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        }
    }

    private boolean connects() {
        try (Connection connection = pool.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
