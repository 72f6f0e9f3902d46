package dev.sluice.core.spend;

import dev.sluice.core.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.statement.Query;

/**
 * Reads spend logs, always within a time window (the spend log is indexed by time, and by key and
 * time), newest first, a page at a time.
 */
public final class SpendQueries {

    /** Filters by equality, named as the columns they compare. */
    static final Set<String> FILTERS = Set.of("api_key", "user_id", "team_id", "request_id", "end_user", "model_group",
            "status");

    private final Database database;

    /** @param database the database */
    public SpendQueries(Database database) {
        this.database = database;
    }

    /**
     * @param filters equality filters by column, each one of {@link #FILTERS}
     * @param from    window start, inclusive
     * @param to      window end, exclusive
     * @param page    the page, from 1
     * @param size    rows per page
     * @return the rows, newest first
     */
    public List<SpendRecord> logs(Map<String, String> filters, Instant from, Instant to, int page, int size) {
        StringBuilder sql = new StringBuilder("select * from sluice_spend_logs where start_time >= :from and start_time < :to");
        for (String column : filters.keySet()) {
            if (!FILTERS.contains(column)) {
                throw new IllegalArgumentException("not a spend-log filter: " + column);
            }
            sql.append(" and ").append(column).append(" = :").append(column);
        }
        sql.append(" order by start_time desc, request_id limit :limit offset :offset");
        return database.jdbi().withHandle(handle -> {
            Query query = handle.createQuery(sql.toString()).bind("from", Timestamp.from(from))
                    .bind("to", Timestamp.from(to)).bind("limit", size).bind("offset", (long) (page - 1) * size);
            filters.forEach(query::bind);
            return query.map((rs, ctx) -> read(rs)).list();
        });
    }

    private static SpendRecord read(ResultSet rs) throws SQLException {
        return new SpendRecord(rs.getString("request_id"), Optional.ofNullable(rs.getString("api_key")).map(String::trim)
                .orElse(null), rs.getString("key_alias"), rs.getString("user_id"), rs.getString("team_id"),
                rs.getString("end_user"), rs.getString("call_type"), rs.getString("model"), rs.getString("model_group"),
                rs.getString("model_id"), rs.getString("api_base"), rs.getString("status"), rs.getLong("prompt_tokens"),
                rs.getLong("completion_tokens"), rs.getLong("cached_tokens"), rs.getBigDecimal("spend"),
                rs.getBoolean("cache_hit"), rs.getTimestamp("start_time").toInstant(),
                rs.getTimestamp("end_time").toInstant());
    }
}
