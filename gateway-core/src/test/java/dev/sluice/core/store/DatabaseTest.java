package dev.sluice.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.Secret;
import dev.sluice.core.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DatabaseTest {

    @TempDir
    Path dir;

    private static int count(Database database, String sql) {
        return database.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void opensWithEveryTableAndIndexAndReopensWithoutReapplying(Dialect dialect) {
        Database database = TestDatabases.open(dialect, dir);
        try {
            assertTrue(database.isReachable());
            for (String table : List.of("sluice_keys", "sluice_teams", "sluice_users", "sluice_team_members",
                    "sluice_customers", "sluice_budgets", "sluice_spend_logs")) {
                assertEquals(0, count(database, "select count(*) from " + table), table);
            }
            new Migrations(database).apply();
            assertEquals(Migrations.SCRIPTS.size(), count(database, "select count(*) from sluice_schema_history"));
        } finally {
            TestDatabases.close(database);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aMigrationChangedAfterItWasAppliedStopsStartUp(Dialect dialect) {
        Database database = TestDatabases.open(dialect, dir);
        try {
            database.jdbi().useHandle(h -> h.execute(
                    "update sluice_schema_history set checksum = ? where version = 1", "0".repeat(64)));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Migrations(database).apply());
            assertTrue(e.getMessage().contains("V001__governance.sql"), e.getMessage());
        } finally {
            TestDatabases.close(database);
        }
    }

    @Test
    void replicasStartingTogetherMigrateOnceOnPostgres() throws Exception {
        String schema = TestDatabases.newPostgresSchema();
        String url = TestDatabases.postgresUrl() + "?currentSchema=" + schema;
        try (ExecutorService replicas = Executors.newFixedThreadPool(4)) {
            List<Future<Database>> starts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                starts.add(replicas.submit(() -> Database.openJdbc(url, TestDatabases.postgresUser(), Dialect.POSTGRESQL)));
            }
            List<Database> opened = new ArrayList<>();
            for (Future<Database> start : starts) {
                opened.add(start.get());
            }
            assertEquals(Migrations.SCRIPTS.size(), count(opened.getFirst(), "select count(*) from sluice_schema_history"),
                    "each script applied once");
            opened.forEach(Database::close);
        } finally {
            TestDatabases.dropPostgresSchema(schema);
        }
    }

    @Test
    void theEmbeddedDatabaseIsTheDefaultAndLivesInTheDataDir() {
        try (Database database = Database.open(Optional.empty(), dir)) {
            assertEquals(Dialect.H2, database.dialect());
            assertTrue(dir.resolve("sluice.mv.db").toFile().exists());
        }
    }

    @Test
    void liteLlmStyleUrlsBecomeJdbcUrlsWithTheCredentialsApart() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://llm:p%40ss%3Aword@db.internal:6543/litellm?schema=gw&sslmode=require");
        assertEquals("jdbc:postgresql://db.internal:6543/litellm?currentSchema=gw&sslmode=require", url.jdbcUrl());
        assertEquals("llm", url.user());
        assertEquals("p@ss:word", url.password().value());
        assertNull(DatabaseUrl.parse("postgres://db/x").user());
        assertEquals("jdbc:postgresql://h/x", DatabaseUrl.parse("jdbc:postgresql://h/x").jdbcUrl());
        assertEquals("general_settings.database_url",
                assertThrows(ConfigException.class, () -> DatabaseUrl.parse("mysql://db/x")).path());
        assertThrows(ConfigException.class, () -> DatabaseUrl.parse("postgresql://db"));
    }

    @Test
    void anUnreachableDatabaseFailsStartUpClearly() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> Database.open(
                Optional.of(new Secret("postgresql://nobody:secret-pw@127.0.0.1:1/nothing")), dir));
        assertTrue(!String.valueOf(e.getMessage()).contains("secret-pw"), e.getMessage());
    }
}
