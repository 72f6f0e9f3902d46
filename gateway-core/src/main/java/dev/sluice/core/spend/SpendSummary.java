package dev.sluice.core.spend;

import dev.sluice.core.store.Database;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.statement.Query;

/**
 * Spend summed in the database for the admin UI's usage view: totals per UTC day, and the top
 * spenders by one column, read from the daily totals ({@code sluice_daily_spend}) rather than
 * the call log, so a month costs a row per key, model and day, not one per call. The answer's
 * size does not grow with the number of keys: a line per day of the window and {@code limit}
 * groups. Windows are whole UTC days: the days the instants fall on, the last one included
 * unless the window ends at its start.
 */
public final class SpendSummary {

    /** Columns the top spenders may be grouped by. */
    public static final Set<String> GROUPS = Set.of("model_group", "model", "api_key", "team_id", "end_user", "user_id");
    private static final String TOKENS = "sum(prompt_tokens + completion_tokens)";

    private final Database database;

    /** @param database the database */
    public SpendSummary(Database database) {
        this.database = database;
    }

    /**
     * One day's totals.
     *
     * @param failed calls that did not succeed
     */
    public record Day(LocalDate day, BigDecimal spend, long tokens, long requests, long failed) {
    }

    /**
     * One group's totals.
     *
     * @param group the column's value (null where calls had none)
     * @param name  a name to show: the key's alias for keys, else the value
     */
    public record Group(String group, String name, BigDecimal spend, long tokens, long requests) {
    }

    /** @return the window's totals per UTC day, days without calls left out */
    public List<Day> perDay(Map<String, String> filters, Instant from, Instant to) {
        String sql = "select spend_day, sum(spend) as spend, " + TOKENS + " as tokens, sum(requests) as requests, "
                + "sum(failed_requests) as failed from sluice_daily_spend" + where(filters) + " group by spend_day order by spend_day";
        return database.jdbi().withHandle(handle -> bind(handle.createQuery(sql), filters, from, to)
                .map((rs, ctx) -> new Day(rs.getObject("spend_day", LocalDate.class), rs.getBigDecimal("spend"),
                        rs.getLong("tokens"), rs.getLong("requests"), rs.getLong("failed"))).list());
    }

    /**
     * @param column one of {@link #GROUPS}
     * @param limit  how many groups at most, the biggest spenders first
     */
    public List<Group> top(String column, Map<String, String> filters, Instant from, Instant to, int limit) {
        if (!GROUPS.contains(column)) {
            throw new IllegalArgumentException("not a summary grouping: " + column);
        }
        String name = column.equals("api_key") ? "max(key_alias)" : column;
        String sql = "select " + column + " as grp, " + name + " as name, sum(spend) as spend, " + TOKENS + " as tokens, "
                + "sum(requests) as requests from sluice_daily_spend" + where(filters) + " group by " + column
                + " order by sum(spend) desc, " + column + " limit :limit";
        return database.jdbi().withHandle(handle -> bind(handle.createQuery(sql), filters, from, to).bind("limit", limit)
                .map((rs, ctx) -> new Group(blankToNull(rs.getString("grp")), blankToNull(rs.getString("name")),
                        rs.getBigDecimal("spend"), rs.getLong("tokens"), rs.getLong("requests"))).list());
    }

    private static String where(Map<String, String> filters) {
        StringBuilder where = new StringBuilder(" where spend_day >= :from and spend_day < :to");
        for (String column : filters.keySet()) {
            if (!SpendReports.FILTERS.contains(column)) {
                throw new IllegalArgumentException("not a report filter: " + column);
            }
            where.append(" and ").append(column).append(" = :").append(column);
        }
        return where.toString();
    }

    private static Query bind(Query query, Map<String, String> filters, Instant from, Instant to) {
        LocalDate last = LocalDate.ofInstant(to, ZoneOffset.UTC);
        boolean endsAtMidnight = to.equals(last.atStartOfDay(ZoneOffset.UTC).toInstant());
        query.bind("from", LocalDate.ofInstant(from, ZoneOffset.UTC)).bind("to", endsAtMidnight ? last : last.plusDays(1));
        filters.forEach(query::bind);
        return query;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
