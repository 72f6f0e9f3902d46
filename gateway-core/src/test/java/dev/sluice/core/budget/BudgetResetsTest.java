package dev.sluice.core.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.core.governance.Governance;
import dev.sluice.core.keys.KeyRecord;
import dev.sluice.core.spend.SpendLedger;
import dev.sluice.core.spend.SpendRecord;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.sluice.core.keys.KeyService;
import dev.sluice.core.keys.KeyStore;
import dev.sluice.core.store.Database;
import dev.sluice.core.store.Dialect;
import dev.sluice.core.store.TestDatabases;
import dev.sluice.testkit.ManualClock;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BudgetResetsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Principal ADMIN = new Principal("admin", Role.PROXY_ADMIN, Optional.empty(),
            Optional.empty(), Optional.empty(), Set.of(), Map.of());

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aKeysBudgetStartsAnewWhenItsWindowEnds(Dialect dialect) throws Exception {
        Database database = TestDatabases.open(dialect, dir);
        try {
            ManualClock clock = new ManualClock(Instant.parse("2026-11-22T10:00:00Z"));
            KeyStore store = new KeyStore(database, JSON);
            KeyService keys = new KeyService(store, clock);
            String daily = keys.generate((ObjectNode) JSON.readTree(
                    "{\"max_budget\":10,\"budget_duration\":\"1d\",\"spend\":7}"), ADMIN).key();
            String forever = keys.generate((ObjectNode) JSON.readTree("{\"max_budget\":10,\"spend\":7}"), ADMIN).key();
            BudgetCounters counters = new BudgetCounters();
            String token = keys.info(daily, ADMIN).token();
            counters.reserve("key:" + token, "k", BigDecimal.TEN, BigDecimal.ONE, () -> new BigDecimal("7")).settle(BigDecimal.ONE);
            BudgetResets resets = new BudgetResets(java.util.List.of(
                    () -> keys.resetDueBudgets().stream().map(reset -> "key:" + reset).toList()), counters);

            clock.advance(Duration.ofHours(23));
            assertEquals(0, resets.runOnce(), "the window has not ended yet");
            clock.advance(Duration.ofHours(2));
            assertEquals(1, resets.runOnce());
            KeyRecord reset = keys.info(daily, ADMIN);
            assertEquals(0, BigDecimal.ZERO.compareTo(reset.spend()));
            assertEquals(clock.instant().plus(Duration.ofDays(1)), reset.budgetResetAt().orElseThrow());
            assertEquals(0, BigDecimal.ZERO.compareTo(counters.spent("key:" + token)), "the counter starts anew");
            assertEquals(0, new BigDecimal("7").compareTo(keys.info(forever, ADMIN).spend()), "no window, no reset");
            assertEquals(0, resets.runOnce(), "nothing is due twice");
        } finally {
            TestDatabases.close(database);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void spendLandsOnEveryAccountOfACallAndEachWindowResetsOnItsOwn(Dialect dialect) throws Exception {
        Database database = TestDatabases.open(dialect, dir);
        try (SpendLedger ledger = new SpendLedger(database, dir.resolve("journal"), true)) {
            ManualClock clock = new ManualClock(Instant.parse("2026-11-22T10:00:00Z"));
            KeyService keys = new KeyService(new KeyStore(database, JSON), clock);
            Governance governance = Governance.open(keys, database, JSON, clock);
            governance.newTeam(body("{\"team_id\":\"search\",\"budget_duration\":\"1h\",\"members_with_roles\":"
                    + "[{\"role\":\"user\",\"user_id\":\"ann\"}]}"), ADMIN);
            governance.users().update(body("{\"user_id\":\"ann\",\"budget_duration\":\"1d\"}"), ADMIN);
            governance.customers().create(body("{\"user_id\":\"acme\",\"budget_duration\":\"30d\"}"), ADMIN);
            String teamKey = keys.info(governance.generateKey(body("{\"team_id\":\"search\",\"user_id\":\"ann\"}"),
                    ADMIN).key(), ADMIN).token();
            String personalKey = keys.info(governance.generateKey(body("{\"user_id\":\"ann\"}"), ADMIN).key(), ADMIN)
                    .token();
            ledger.record(spend("r1", teamKey, "ann", "search", "acme", "0.25"));
            ledger.record(spend("r2", personalKey, "ann", null, "acme", "0.5"));
            assertTrue(ledger.flush());

            assertSpend("0.25", governance.teams().teams().get("search"));
            assertSpend("0.25", governance.teams().members().find("search", "ann").orElseThrow());
            assertSpend("0.5", governance.users().users().get("ann"), "a user's own spend is its personal keys'");
            assertSpend("0.75", governance.customers().customers().get("acme"));

            BudgetCounters counters = new BudgetCounters();
            BudgetResets resets = new BudgetResets(governance.budgetWindows(), counters);
            clock.advance(Duration.ofMinutes(61));
            assertEquals(2, resets.runOnce(), "the team and its member");
            assertSpend("0", governance.teams().teams().get("search"));
            assertSpend("0", governance.teams().members().find("search", "ann").orElseThrow());
            assertSpend("0.5", governance.users().users().get("ann"));
            clock.advance(Duration.ofDays(1));
            assertEquals(3, resets.runOnce(), "team, member and user");
            assertSpend("0", governance.users().users().get("ann"));
            assertSpend("0.75", governance.customers().customers().get("acme"));
            clock.advance(Duration.ofDays(30));
            resets.runOnce();
            assertSpend("0", governance.customers().customers().get("acme"));
        } finally {
            TestDatabases.close(database);
        }
    }

    private static SpendRecord spend(String id, String key, String user, String team, String customer, String cost) {
        Instant at = Instant.parse("2026-11-22T10:00:00Z");
        return new SpendRecord(id, key, null, user, team, customer, "chat", "mock/p", "priced", "d1", null, "success",
                10, 20, 0, new BigDecimal(cost), false, at, at);
    }

    private static void assertSpend(String expected, ObjectNode row) {
        assertSpend(expected, row, row.toString());
    }

    private static void assertSpend(String expected, ObjectNode row, String message) {
        assertEquals(0, new BigDecimal(expected).compareTo(row.path("spend").decimalValue()), message + ": " + row);
    }

    private static ObjectNode body(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }
}
