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
        try (SpendLedger ledger = new SpendLedger(database, dir.resolve("journal.jsonl"), 1000, true)) {
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

            List<SpendReports.Line> filtered = new SpendReports(database).totals("end_user", Map.of("team_id", "team-1"),
                    Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-23T00:00:00Z"));
            assertEquals(3, filtered.size(), filtered.toString());
        } finally {
            TimeZone.setDefault(jvmZone);
            TestDatabases.close(database);
        }
    }

    private static SpendRecord call(String id, String team, String at, String cost) {
        Instant time = Instant.parse(at);
        return new SpendRecord(id, null, null, null, team, "acme", "chat", "mock/p", "priced", "d1", null, "success",
                10, 20, 0, new BigDecimal(cost), false, time, time);
    }
}
