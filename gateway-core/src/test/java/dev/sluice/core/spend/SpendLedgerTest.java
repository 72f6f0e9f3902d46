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
        SpendLedger ledger = new SpendLedger(database, dir.resolve("journal"), true);
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
        assertEquals(2, ledger.quarantined(), "the repeats are refused by the key and set aside");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void logsAreReadNewestFirstWithinTheirWindowAndFilters(Dialect dialect) throws Exception {
        database = TestDatabases.open(dialect, dir);
        String token = newKeyToken();
        SpendLedger ledger = new SpendLedger(database, dir.resolve("journal"), true);
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
        SpendLedger ledger = new SpendLedger(database, dir.resolve("journal"), false);
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
        SpendLedger ledger = new SpendLedger(database, dir.resolve("journal"), true);
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

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aRestartWritesWhatTheDatabaseHadNotTakenAndNothingTwice(Dialect dialect) throws Exception {
        database = TestDatabases.open(dialect, dir);
        String token = newKeyToken();
        Path journal = dir.resolve("journal");
        SpendLedger crashed = new SpendLedger(database, journal, true);
        for (int i = 0; i < 50; i++) {
            crashed.record(spend("taken-" + i, token, "0.01"));
        }
        assertTrue(crashed.flush());
        for (int i = 0; i < 30; i++) {
            crashed.record(spend("journalled-" + i, token, "0.01"));
        }
        // no close: as after kill -9, the journal is all there is of the last 30
        SpendLedger restarted = new SpendLedger(database, journal, true);
        assertEquals(30, restarted.pending());
        assertTrue(restarted.flush());
        assertEquals(80, logRows());
        assertEquals(0, new BigDecimal("0.80").compareTo(keySpend(token)));
        restarted.close();
        SpendLedger again = new SpendLedger(database, journal, true);
        assertEquals(0, again.pending());
        assertTrue(again.flush());
        assertEquals(0, new BigDecimal("0.80").compareTo(keySpend(token)), "a second restart counts nothing again");
        again.close();
    }

    @Test
    void aDatabaseOutageLeavesRecordsInTheJournalForTheNextRun() throws Exception {
        database = TestDatabases.open(Dialect.POSTGRESQL, dir);
        String token = newKeyToken();
        Path journal = dir.resolve("journal");
        SpendLedger ledger = new SpendLedger(database, journal, true);
        database.jdbi().useHandle(h -> h.execute("alter table sluice_spend_logs rename to sluice_spend_logs_away"));
        for (int i = 0; i < 25; i++) {
            ledger.record(spend("r-" + i, token, "0.1"));
        }
        assertFalse(ledger.flush());
        ledger.close();
        assertEquals(0, ledger.quarantined(), "a database that fails is not the records' fault");
        database.jdbi().useHandle(h -> h.execute("alter table sluice_spend_logs_away rename to sluice_spend_logs"));
        SpendLedger restarted = new SpendLedger(database, journal, true);
        assertEquals(25, restarted.pending());
        assertTrue(restarted.flush());
        assertEquals(25, logRows());
        assertEquals(0, new BigDecimal("2.5").compareTo(keySpend(token)));
        restarted.close();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aRecordTheDatabaseRefusesIsQuarantinedAndTheOthersAreWritten(Dialect dialect) throws Exception {
        database = TestDatabases.open(dialect, dir);
        String token = newKeyToken();
        database.jdbi().useHandle(h -> h.execute(
                "alter table sluice_spend_logs add constraint no_poison check (model_id <> 'poison')"));
        Path journal = dir.resolve("journal");
        SpendLedger ledger = new SpendLedger(database, journal, true);
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        ledger.watch(new SpendWatch() {
            @Override
            public void added(org.jdbi.v3.core.Handle handle, String table, Map<List<String>, BigDecimal> added) {
            }

            @Override
            public void quarantined(String requestId, String reason) {
                told.add(requestId); // raises failed_tracking_spend
            }
        });
        for (int i = 0; i < 40; i++) {
            SpendRecord good = spend("r-" + i, token, "0.01");
            ledger.record(i != 17 ? good : new SpendRecord(good.requestId(), token, null, null, null, null, "chat",
                    "m", "g", "poison", null, "success", 1, 1, 0, new BigDecimal("0.01"), false, good.startTime(),
                    good.endTime()));
        }
        assertTrue(ledger.flush());
        assertEquals(39, logRows());
        assertEquals(1, ledger.quarantined());
        assertEquals(List.of("r-17"), told, "the watch (failed_tracking_spend alerts) is told");
        List<String> dead = Files.readAllLines(journal.resolve("dead-letter.jsonl"));
        assertEquals(1, dead.size());
        assertTrue(dead.get(0).contains("r-17") && dead.get(0).contains("poison"), dead.get(0));
        ledger.record(spend("after", token, "0.01"));
        assertTrue(ledger.flush(), "spend logging goes on after a refused record");
        assertEquals(40, logRows());
        assertEquals(0, new BigDecimal("0.40").compareTo(keySpend(token)));
        ledger.close();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void hostileFieldsAreMadeStorableBeforeTheyAreJournalled(Dialect dialect) throws Exception {
        database = TestDatabases.open(dialect, dir);
        SpendLedger ledger = new SpendLedger(database, dir.resolve("journal"), true);
        Instant now = Instant.parse("2026-11-22T10:00:00Z");
        String nul = "x\u0000";
        String control = "a\r\nb\u001b[31m\u007f";
        String longText = "\uD83D\uDE00".repeat(3000);
        String lone = "bad\uD800";
        ledger.record(new SpendRecord("nul\u0000id", null, nul, nul, nul, nul, "chat", nul, nul, nul, nul,
                "success", -5, Long.MAX_VALUE, 0, new BigDecimal("1e30"), false, now, now));
        ledger.record(new SpendRecord("control", null, control, control, control, control, "chat", control, control,
                control, control, "failure", 1, 1, 0, BigDecimal.ONE.negate(), false, now, now));
        ledger.record(new SpendRecord("long", null, longText, longText, longText, longText, "chat", longText, longText,
                longText, longText, "success", 1, 1, 0, BigDecimal.ONE, false, now, now));
        ledger.record(new SpendRecord("lone", null, lone, lone, lone, lone, "chat", lone, lone, lone, lone,
                "success", 1, 1, 0, BigDecimal.ONE, false, now, now));
        assertTrue(ledger.flush());
        assertEquals(4, logRows());
        assertEquals(0, ledger.quarantined());
        List<SpendRecord> rows = new SpendQueries(database).logs(Map.of(), now.minusSeconds(1), now.plusSeconds(1), 1, 10);
        SpendRecord first = rows.stream().filter(r -> r.requestId().equals("nulid")).findFirst().orElseThrow();
        assertEquals("x", first.modelGroup());
        assertEquals(0, first.promptTokens());
        SpendRecord second = rows.stream().filter(r -> r.requestId().equals("control")).findFirst().orElseThrow();
        assertEquals("ab[31m", second.model());
        assertEquals(0, second.spend().signum());
        SpendRecord third = rows.stream().filter(r -> r.requestId().equals("long")).findFirst().orElseThrow();
        assertEquals(256, third.model().length());
        assertEquals(1024, third.apiBase().length());
        ledger.close();
    }

    @Test
    void aLineThatIsNotARecordIsQuarantinedAndTheRestWritten() throws Exception {
        database = TestDatabases.open(Dialect.H2, dir);
        String token = newKeyToken();
        Path journal = dir.resolve("journal");
        SpendLedger first = new SpendLedger(database, journal, true);
        first.record(spend("a", token, "0.5"));
        first.close();
        try (var segments = Files.list(journal)) {
            Path segment = segments.filter(p -> p.toString().endsWith(".wal")).findFirst().orElseThrow();
            Files.writeString(segment, "{not json}\n", java.nio.file.StandardOpenOption.APPEND);
        }
        SpendLedger restarted = new SpendLedger(database, journal, true);
        restarted.record(spend("b", token, "0.25"));
        assertTrue(restarted.flush());
        assertEquals(1, restarted.quarantined());
        assertEquals(2, logRows());
        assertEquals(0, new BigDecimal("0.75").compareTo(keySpend(token)));
        restarted.close();
    }

    @Test
    void recordsAnEarlierVersionKeptInItsJournalFileAreTakenOver() throws Exception {
        database = TestDatabases.open(Dialect.H2, dir);
        String token = newKeyToken();
        var mapper = com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule()).build();
        Files.writeString(dir.resolve("spend-journal.jsonl"), mapper.writeValueAsString(spend("old-1", token, "0.5"))
                + "\n" + mapper.writeValueAsString(spend("old-2", token, "0.5")) + "\n");
        SpendLedger ledger = new SpendLedger(database, dir.resolve("spend-journal"), true);
        assertFalse(Files.exists(dir.resolve("spend-journal.jsonl")));
        assertTrue(ledger.flush());
        assertEquals(2, logRows());
        assertEquals(0, BigDecimal.ONE.compareTo(keySpend(token)));
        ledger.close();
    }
}
