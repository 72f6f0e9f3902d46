package dev.sluice.core.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.store.Database;
import dev.sluice.core.store.Dialect;
import dev.sluice.core.store.TestDatabases;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SpendReportsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void totalsAreByUtcDayAndGroupWithinTheWindow(Dialect dialect) {
        TimeZone jvmZone = TimeZone.getDefault();
        // A JVM far from UTC: the days must still be UTC days.
        TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
        Database database = TestDatabases.open(dialect, dir);
        try (SpendLedger ledger = new SpendLedger(database, dir.resolve("journal"), true)) {
            ledger.record(call("a", "team-1", "2026-11-20T23:59:59Z", "0.5"));
            ledger.record(call("b", "team-1", "2026-11-21T00:00:00Z", "0.25"));
            ledger.record(call("c", "team-1", "2026-11-21T12:00:00Z", "0.25"));
            ledger.record(call("d", null, "2026-11-21T13:00:00Z", "1"));
            ledger.record(call("e", "team-1", "2026-11-22T00:00:00Z", "7"));
            assertTrue(ledger.flush());

            List<SpendReports.Line> lines = new SpendReports(database).totals("team_id", Map.of(),
                    Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-22T00:00:00Z"));
            assertEquals(3, lines.size(), lines.toString());
            assertEquals(LocalDate.parse("2026-11-20"), lines.get(0).day());
            assertEquals(0, new BigDecimal("0.5").compareTo(lines.get(0).spend()));
            SpendReports.Line team = lines.get(1);
            assertEquals(LocalDate.parse("2026-11-21"), team.day());
            assertEquals("team-1", team.group());
            assertEquals(2, team.requests());
            assertEquals(0, new BigDecimal("0.5").compareTo(team.spend()));
            assertEquals(60, team.totalTokens());
            assertEquals(null, lines.get(2).group(), "calls of no team come last in their day");

            var tooLarge = org.junit.jupiter.api.Assertions.assertThrows(dev.sluice.api.GatewayException.class,
                    () -> new SpendReports(database, 2).totals("team_id", Map.of(),
                            Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-22T00:00:00Z")));
            assertEquals(400, tooLarge.status(), "a report past its cap is refused, not built in memory");

            List<SpendReports.Line> filtered = new SpendReports(database).totals("end_user", Map.of("team_id", "team-1"),
                    Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-23T00:00:00Z"));
            assertEquals(3, filtered.size(), filtered.toString());
        } finally {
            TimeZone.setDefault(jvmZone);
            TestDatabases.close(database);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theSummaryHasALinePerDayAndTheTopSpendersWhateverTheNumberOfKeys(Dialect dialect) {
        Database database = TestDatabases.open(dialect, dir);
        try (SpendLedger ledger = new SpendLedger(database, dir.resolve("journal"), true)) {
            for (int i = 0; i < 40; i++) { // forty keys, each spending on one of two days
                Instant time = Instant.parse(i % 2 == 0 ? "2026-11-20T10:00:00Z" : "2026-11-21T10:00:00Z");
                ledger.record(new SpendRecord("r" + i, String.format("%064d", i), "alias-" + i, null,
                        i < 30 ? "team-1" : "team-2", null, "chat", "mock/p", "priced", "d1", null,
                        i == 39 ? "failure" : "success", 10, 20, 0, new BigDecimal(i + 1), false, time, time));
            }
            assertTrue(ledger.flush());
            // A second batch for a key and day already summed: the day's row is added to, not replaced.
            Instant again = Instant.parse("2026-11-20T22:00:00Z");
            ledger.record(new SpendRecord("r-again", String.format("%064d", 38), "alias-38", null, "team-1", null, "chat",
                    "mock/p", "priced", "d1", null, "success", 10, 20, 0, new BigDecimal("100"), false, again, again));
            assertTrue(ledger.flush());
            SpendSummary summary = new SpendSummary(database);
            Instant from = Instant.parse("2026-11-20T00:00:00Z");
            Instant to = Instant.parse("2026-11-22T00:00:00Z");
            List<SpendSummary.Day> days = summary.perDay(Map.of(), from, to);
            assertEquals(2, days.size());
            assertEquals(21, days.get(0).requests());
            assertEquals(0, new BigDecimal("500").compareTo(days.get(0).spend()), "1 + 3 + ... + 39, and 100");
            assertEquals(1, days.get(1).failed());
            assertEquals(600, days.get(1).tokens());

            List<SpendSummary.Group> keys = summary.top("api_key", Map.of(), from, to, 3);
            assertEquals(List.of("alias-38", "alias-39", "alias-37"), keys.stream().map(SpendSummary.Group::name).toList());
            assertEquals(0, new BigDecimal("139").compareTo(keys.getFirst().spend()));
            List<SpendSummary.Group> teams = summary.top("team_id", Map.of("team_id", "team-2"), from, to, 10);
            assertEquals(1, teams.size());
            assertEquals(0, new BigDecimal("355").compareTo(teams.getFirst().spend()), "31 + ... + 40");
            assertEquals(1, summary.perDay(Map.of(), from, Instant.parse("2026-11-20T00:00:00Z").plusSeconds(1)).size(),
                    "a window ending during a day includes that day");
        } finally {
            TestDatabases.close(database);
        }
    }

    private static SpendRecord call(String id, String team, String at, String cost) {
        Instant time = Instant.parse(at);
        return new SpendRecord(id, null, null, null, team, "acme", "chat", "mock/p", "priced", "d1", null, "success",
                10, 20, 0, new BigDecimal(cost), false, time, time);
    }
}
