package dev.sluice.core.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.keys.KeyService;
import dev.sluice.core.keys.KeyStore;
import dev.sluice.core.keys.VirtualKeys;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.core.store.Database;
import dev.sluice.core.store.Dialect;
import dev.sluice.core.store.TestDatabases;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SpendLedgerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Principal ADMIN = new Principal("admin", Role.PROXY_ADMIN, Optional.empty(),
            Optional.empty(), Optional.empty(), Set.of(), Map.of());

    @TempDir
    Path dir;
    private Database database;

    @AfterEach
    void close() {
        if (database != null) {
            TestDatabases.close(database);
        }
    }

    private String newKeyToken() throws Exception {
        KeyService keys = new KeyService(new KeyStore(database, JSON), Clock.systemUTC());
        return VirtualKeys.token(keys.generate((ObjectNode) JSON.readTree("{}"), ADMIN).key());
    }

    private static SpendRecord spend(String id, String token, String cost) {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");
        return new SpendRecord(id, token, null, null, null, null, "chat", "openai/gpt-4o", "gpt-4o", "d1", null,
                "success", 10, 5, 0, new BigDecimal(cost), false, now, now);
    }

    private BigDecimal keySpend(String token) {
        return database.jdbi().withHandle(h -> h.createQuery("select spend from sluice_keys where token = :t")
                .bind("t", token).mapTo(BigDecimal.class).one());
    }

    private long logRows() {
        return database.jdbi().withHandle(h -> h.createQuery("select count(*) from sluice_spend_logs")
                .mapTo(Long.class).one());
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void everyRecordIsWrittenOnceAndTheKeysSpendIsExact(Dialect dialect) throws Exception {
        database = TestDatabases.open(dialect, dir);
        String token = newKeyToken();
        SpendLedger ledger = new SpendLedger(database, dir.resolve("journal.jsonl"), 1000, true);
        BigDecimal expected = BigDecimal.ZERO;
        for (int i = 0; i < 300; i++) {
            String cost = "0.0000" + (i % 10) + "3";
            ledger.record(spend("req-" + i, token, cost));
            expected = expected.add(new BigDecimal(cost));
        }
        ledger.record(spend("req-7", token, "5"));
        assertTrue(ledger.flush());
        ledger.record(spend("req-8", token, "5"));
        assertTrue(ledger.flush());
        assertEquals(300, logRows());
        assertEquals(0, expected.compareTo(keySpend(token)), "a repeated request id is never counted twice");
        assertEquals(0, ledger.pending());
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void logsAreReadNewestFirstWithinTheirWindowAndFilters(Dialect dialect) throws Exception {
        database = TestDatabases.open(dialect, dir);
        String token = newKeyToken();
        SpendLedger ledger = new SpendLedger(database, dir.resolve("journal.jsonl"), 1000, true);
        Instant base = Instant.parse("2026-11-22T10:00:00Z");
        for (int i = 0; i < 5; i++) {
            Instant at = base.plusSeconds(60L * i);
            ledger.record(new SpendRecord("r" + i, i < 3 ? token : null, null, "u" + (i % 2), null, null, "chat",
                    "m", "g", "d", null, "success", 1, 1, 0, new BigDecimal("0.5"), false, at, at));
        }
        assertTrue(ledger.flush());
        SpendQueries queries = new SpendQueries(database);
        List<SpendRecord> all = queries.logs(Map.of(), base, base.plusSeconds(3600), 1, 10);
        assertEquals(List.of("r4", "r3", "r2", "r1", "r0"), all.stream().map(SpendRecord::requestId).toList());
        assertEquals(List.of("r2", "r1", "r0"), queries.logs(Map.of("api_key", token), base, base.plusSeconds(3600), 1, 10)
                .stream().map(SpendRecord::requestId).toList());
        assertEquals(List.of("r2"), queries.logs(Map.of("user_id", "u0"), base, base.plusSeconds(3600), 2, 1)
                .stream().map(SpendRecord::requestId).toList());
        assertEquals(List.of("r1", "r0"), queries.logs(Map.of(), base, base.plusSeconds(120), 1, 10)
                .stream().map(SpendRecord::requestId).toList());
        assertEquals(token, all.get(2).keyToken());
    }

    @Test
    void withSpendLogsDisabledKeysStillCountEveryCallButNoRowsAreWritten() throws Exception {
        database = TestDatabases.open(Dialect.H2, dir);
        String token = newKeyToken();
        SpendLedger ledger = new SpendLedger(database, dir.resolve("journal.jsonl"), 1000, false);
        for (int i = 0; i < 40; i++) {
            ledger.record(spend("r-" + i, token, "0.025"));
        }
        assertTrue(ledger.flush());
        assertEquals(0, logRows());
        assertEquals(0, BigDecimal.ONE.compareTo(keySpend(token)));
    }

    @Test
    void aDatabaseOutageMidRunLosesNothing() throws Exception {
        database = TestDatabases.open(Dialect.POSTGRESQL, dir);
        String token = newKeyToken();
        SpendLedger ledger = new SpendLedger(database, dir.resolve("journal.jsonl"), 1000, true);
        for (int i = 0; i < 50; i++) {
            ledger.record(spend("before-" + i, token, "0.01"));
        }
        assertTrue(ledger.flush());
        database.jdbi().useHandle(h -> h.execute("alter table sluice_spend_logs rename to sluice_spend_logs_away"));
        for (int i = 0; i < 70; i++) {
            ledger.record(spend("during-" + i, token, "0.01"));
        }
        assertFalse(ledger.flush(), "the write must fail while the table is gone");
        assertEquals(70, ledger.pending());
        database.jdbi().useHandle(h -> h.execute("alter table sluice_spend_logs_away rename to sluice_spend_logs"));
        assertTrue(ledger.flush());
        assertEquals(120, logRows());
        assertEquals(0, new BigDecimal("1.20").compareTo(keySpend(token)));
    }

    @Test
    void beyondTheMemoryBoundRecordsWaitInAJournalThatTheNextRunWrites() throws Exception {
        database = TestDatabases.open(Dialect.POSTGRESQL, dir);
        String token = newKeyToken();
        Path journal = dir.resolve("journal.jsonl");
        SpendLedger ledger = new SpendLedger(database, journal, 10, true);
        database.jdbi().useHandle(h -> h.execute("alter table sluice_spend_logs rename to sluice_spend_logs_away"));
        for (int i = 0; i < 25; i++) {
            ledger.record(spend("r-" + i, token, "0.1"));
            if (i % 5 == 4) {
                assertFalse(ledger.flush());
            }
        }
        ledger.close();
        assertEquals(25, Files.readAllLines(journal).size(), "every record is in the journal, once");
        database.jdbi().useHandle(h -> h.execute("alter table sluice_spend_logs_away rename to sluice_spend_logs"));
        SpendLedger restarted = new SpendLedger(database, journal, 10, true);
        assertEquals(25, restarted.pending());
        assertTrue(restarted.flush());
        assertFalse(Files.exists(journal));
        assertEquals(25, logRows());
        assertEquals(0, new BigDecimal("2.5").compareTo(keySpend(token)));
    }
}
