package dev.sluice.core.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.core.keys.KeyRecord;
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
}
