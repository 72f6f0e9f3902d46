package dev.sluice.core.spend;

import dev.sluice.core.store.Database;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.statement.Query;

/**
 * Spend totals from the spend log, by UTC day (every session runs in UTC), always within a time
 * window so the time index bounds the scan.
 */
public final class SpendReports {

    /** Columns a report may group by besides day, model and key. */
    static final Set<String> GROUPS = Set.of("team_id", "end_user", "user_id", "model_group");
    /**
     * The most lines a report may have (day × group × model × key × status): about 20 MB held
     * while the answer is written. Beyond it the caller is asked to narrow the report, rather
     * than a wide window over many keys exhausting the heap.
     */
    public static final int MAX_LINES = 50_000;
    /** Equality filters, named as the columns they compare. */
    static final Set<String> FILTERS = Set.of("api_key", "user_id", "team_id", "end_user");

    private final Database database;
    private final int maxLines;

    /** @param database the database */
    public SpendReports(Database database) {
        this(database, MAX_LINES);
    }

    SpendReports(Database database, int maxLines) {
        this.database = database;
        this.maxLines = maxLines;
    }

    /**
     * One line of a report: the totals of the calls of one day, group, model and key.
     *
     * @param day              the UTC day
     * @param group            the value of the grouping column (null where calls had none)
     * @param model            the upstream model
     * @param apiKey           the key's token, or null
     * @param status           success, failure or cancelled
     * @param spend            total cost in USD
     * @param promptTokens     prompt tokens
     * @param completionTokens completion tokens
     * @param requests         how many calls
     */
    public record Line(LocalDate day, String group, String model, String apiKey, String status, BigDecimal spend,
                       long promptTokens, long completionTokens, long requests) {
        /** @return prompt and completion tokens */
        public long totalTokens() {
            return promptTokens + completionTokens;
        }
    }

    /**
     * @param groupBy one of {@link #GROUPS}
     * @param filters equality filters, each one of {@link #FILTERS}
     * @param from    window start, inclusive
     * @param to      window end, exclusive
     * @return the lines, by day, then group, model and key
     * @throws dev.sluice.api.GatewayException (400) when there would be more than {@link #MAX_LINES}
     */
    public List<Line> totals(String groupBy, Map<String, String> filters, Instant from, Instant to) {
        if (!GROUPS.contains(groupBy)) {
            throw new IllegalArgumentException("not a report grouping: " + groupBy);
        }
        StringBuilder sql = new StringBuilder("select cast(start_time as date) as report_day, " + groupBy + " as grp, model, "
                + "api_key, status, sum(spend) as spend, sum(prompt_tokens) as prompt, sum(completion_tokens) as "
                + "completion, count(*) as requests from sluice_spend_logs where start_time >= :from and start_time < :to");
        for (String column : filters.keySet()) {
            if (!FILTERS.contains(column)) {
                throw new IllegalArgumentException("not a report filter: " + column);
            }
            sql.append(" and ").append(column).append(" = :").append(column);
        }
        sql.append(" group by cast(start_time as date), ").append(groupBy)
                .append(", model, api_key, status order by report_day, grp, model, api_key, status");
        return database.jdbi().withHandle(handle -> {
            Query query = handle.createQuery(sql.toString()).bind("from", Timestamp.from(from))
                    .bind("to", Timestamp.from(to));
            filters.forEach(query::bind);
            query.setMaxRows(maxLines + 1);
            List<Line> lines = query.map((rs, ctx) -> new Line(rs.getObject("report_day", LocalDate.class), rs.getString("grp"),
                    rs.getString("model"), trim(rs.getString("api_key")), rs.getString("status"),
                    rs.getBigDecimal("spend"), rs.getLong("prompt"), rs.getLong("completion"),
                    rs.getLong("requests"))).list();
            if (lines.size() > maxLines) {
                throw new dev.sluice.api.GatewayException(dev.sluice.api.ErrorKind.BAD_REQUEST, 400, "This report "
                        + "would have more than " + maxLines + " lines (one per day, group, model and key). Choose a "
                        + "shorter period, or filter by key, team or user; /spend/summary sums any period.",
                        "start_date", "report_too_large", null, null);
            }
            return lines;
        });
    }

    /** @return each team's alias, for the teams named */
    public Map<String, String> teamAliases() {
        return database.jdbi().withHandle(handle -> handle.createQuery(
                        "select team_id, coalesce(team_alias, team_id) as name from sluice_teams")
                .setMaxRows(100_000).map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2))).list())
                .stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static String trim(String text) {
        return text == null ? null : text.trim();
    }
}
