package dev.sluice.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.config.TimeSpan;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * One governance table (teams, users, customers, budget tiers, keys) described by its columns, so
 * each is stored, read and updated by the same code. Rows come back as JSON objects whose fields
 * are the columns. Every value goes through a bound parameter; the only SQL assembled from parts
 * is table and column names, and those come from the description, never from a caller.
 */
public final class Table {

    private final Database database;
    private final ObjectMapper json;
    private final String name;
    private final String idColumn;
    private final Map<String, ColumnType> columns;

    /**
     * @param database the database
     * @param json     the mapper for JSON columns
     * @param name     the table
     * @param idColumn its primary key column (text)
     * @param columns  every column but {@code created_at} and {@code updated_at}, with its type
     */
    public Table(Database database, ObjectMapper json, String name, String idColumn, Map<String, ColumnType> columns) {
        this.database = database;
        this.json = json;
        this.name = name;
        this.idColumn = idColumn;
        this.columns = Map.copyOf(columns);
    }

    /** @return the columns and their types */
    public Map<String, ColumnType> columns() {
        return columns;
    }

    /** Inserts a row; {@code created_at} and {@code updated_at} are set to {@code now}. */
    public void insert(Map<String, Object> values, Instant now) {
        check(values.keySet());
        String names = String.join(", ", values.keySet());
        String parameters = ":" + String.join(", :", values.keySet());
        database.jdbi().useHandle(handle -> {
            var insert = handle.createUpdate("insert into " + name + " (" + names + ", created_at, updated_at) values ("
                    + parameters + ", :created_at, :created_at)").bind("created_at", Timestamp.from(now));
            bindAll(insert, values);
            insert.execute();
        });
    }

    /** @return the row with this id */
    public Optional<ObjectNode> find(String id) {
        return database.jdbi().withHandle(handle -> handle.createQuery("select * from " + name + " where "
                + idColumn + " = :id").bind("id", id).map((rs, ctx) -> read(rs)).findOne());
    }

    /**
     * Sets columns of one row and its {@code updated_at}.
     *
     * @return whether the row exists
     */
    public boolean update(String id, Map<String, Object> changes, Instant now) {
        check(changes.keySet());
        StringBuilder sql = new StringBuilder("update " + name + " set updated_at = :updated_at");
        changes.keySet().forEach(column -> sql.append(", ").append(column).append(" = :").append(column));
        sql.append(" where ").append(idColumn).append(" = :id");
        return database.jdbi().withHandle(handle -> {
            var update = handle.createUpdate(sql.toString()).bind("id", id).bind("updated_at", Timestamp.from(now));
            bindAll(update, changes);
            return update.execute() == 1;
        });
    }

    /**
     * Rows matching every filter (equality by column), oldest first, a page at a time.
     *
     * @param offset rows to skip
     * @param limit  rows to return at most
     */
    public List<ObjectNode> list(Map<String, Object> filters, long offset, int limit) {
        check(filters.keySet());
        return database.jdbi().withHandle(handle -> {
            var query = handle.createQuery("select * from " + name + where(filters) + " order by created_at, "
                    + idColumn + " limit :limit offset :offset").bind("limit", limit).bind("offset", offset);
            bindAll(query, filters);
            return query.map((rs, ctx) -> read(rs)).list();
        });
    }

    /** @return how many rows match every filter */
    public long count(Map<String, Object> filters) {
        check(filters.keySet());
        return database.jdbi().withHandle(handle -> {
            var query = handle.createQuery("select count(*) from " + name + where(filters));
            bindAll(query, filters);
            return query.mapTo(Long.class).one();
        });
    }

    /** Deletes rows. @return the ids that existed and are gone */
    public List<String> delete(List<String> ids) {
        return database.jdbi().inTransaction(handle -> {
            List<String> deleted = new ArrayList<>();
            for (String id : ids) {
                if (handle.createUpdate("delete from " + name + " where " + idColumn + " = :id").bind("id", id)
                        .execute() == 1) {
                    deleted.add(id);
                }
            }
            return deleted;
        });
    }

    /**
     * Starts a new budget window for every row whose {@code budget_reset_at} has passed: spend
     * back to 0, the next reset one {@code budget_duration} later (skipping windows missed while
     * the gateway was down).
     *
     * @param also run in the same transaction for each row reset, with its id (e.g. to reset the
     *             spend of a team's members with the team's)
     * @return the ids of the rows reset
     */
    public List<String> resetDueBudgets(Instant now, ResetHook also) {
        return database.jdbi().inTransaction(handle -> {
            List<Map.Entry<String, String>> due = handle.createQuery("select " + idColumn + ", budget_duration from "
                            + name + " where budget_reset_at <= :now and budget_duration is not null")
                    .bind("now", Timestamp.from(now))
                    .map((rs, ctx) -> Map.entry(rs.getString(1).trim(), rs.getString(2))).list();
            List<String> reset = new ArrayList<>();
            for (Map.Entry<String, String> row : due) {
                Instant next = TimeSpan.parse(row.getValue()).after(now);
                handle.createUpdate("update " + name + " set spend = 0, budget_reset_at = :next, updated_at = :now "
                                + "where " + idColumn + " = :id")
                        .bind("next", Timestamp.from(next)).bind("now", Timestamp.from(now))
                        .bind("id", row.getKey()).execute();
                also.reset(handle, row.getKey());
                reset.add(row.getKey());
            }
            return reset;
        });
    }

    /** Work done alongside a row's budget reset, in its transaction. */
    @FunctionalInterface
    public interface ResetHook {
        /** No extra work. */
        ResetHook NONE = (handle, id) -> { };

        /** @param handle the reset's transaction @param id the row reset */
        void reset(Handle handle, String id);
    }

    /** @return a row as a JSON object, one field per column */
    public ObjectNode read(ResultSet rs) throws SQLException {
        ObjectNode row = json.createObjectNode();
        for (Map.Entry<String, ColumnType> column : columns.entrySet()) {
            String field = column.getKey();
            switch (column.getValue()) {
                case TEXT, SPAN -> row.put(field, Optional.ofNullable(rs.getString(field)).map(String::trim).orElse(null));
                case AMOUNT -> row.put(field, rs.getBigDecimal(field));
                case COUNT -> {
                    long value = rs.getLong(field);
                    if (rs.wasNull()) {
                        row.putNull(field);
                    } else {
                        row.put(field, value);
                    }
                }
                case BOOL -> row.put(field, rs.getBoolean(field));
                case TIME -> row.put(field, Optional.ofNullable(rs.getTimestamp(field)).map(t -> t.toInstant().toString())
                        .orElse(null));
                case STRINGS, OBJECT -> row.set(field, parse(rs.getString(field)));
            }
        }
        row.put("created_at", rs.getTimestamp("created_at").toInstant().toString());
        row.put("updated_at", rs.getTimestamp("updated_at").toInstant().toString());
        return row;
    }

    /** @return a value as its column stores it: lists and objects as JSON text, spans as text, times as timestamps */
    private Object column(Object value) {
        return switch (value) {
            case null -> null;
            case Optional<?> optional -> column(optional.orElse(null));
            case List<?> list -> write(list);
            case Map<?, ?> map -> write(map);
            case JsonNode node -> write(node);
            case TimeSpan span -> span.toString();
            case Instant instant -> Timestamp.from(instant);
            case BigDecimal amount -> amount;
            default -> value;
        };
    }

    private void bindAll(SqlStatement<?> statement, Map<String, Object> values) {
        values.forEach((column, value) -> statement.bind(column, column(value)));
    }

    private static String where(Map<String, Object> filters) {
        StringBuilder where = new StringBuilder();
        for (String column : filters.keySet()) {
            where.append(where.isEmpty() ? " where " : " and ").append(column).append(" = :").append(column);
        }
        return where.toString();
    }

    private void check(Iterable<String> names) {
        for (String column : names) {
            if (!columns.containsKey(column)) {
                throw new IllegalArgumentException("not a column of " + name + ": " + column);
            }
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot store as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private JsonNode parse(String text) {
        try {
            return text == null ? json.nullNode() : json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON column of " + name + " holds something that is not JSON", e);
        }
    }
}
