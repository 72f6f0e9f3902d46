package dev.sluice.core.keys;

import dev.sluice.core.config.TimeSpan;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.admin.Columns;
import dev.sluice.core.store.ColumnType;
import dev.sluice.core.store.Database;
import dev.sluice.core.store.Table;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.statement.Query;

/**
 * Virtual keys in {@code sluice_keys}. Every value goes through a bound parameter; the only SQL
 * assembled from parts is column names, and those come from {@link #COLUMNS}.
 */
public final class KeyStore {

    /** Columns an update may set, by their admin API field names (which LiteLLM shares with them). */
    static final Set<String> COLUMNS = Set.of("key_alias", "user_id", "team_id", "models", "aliases", "permissions",
            "metadata", "max_budget", "soft_budget", "spend", "budget_duration", "budget_reset_at", "tpm_limit",
            "rpm_limit", "max_parallel_requests", "expires", "blocked");

    private final Database database;
    private final ObjectMapper json;
    private final Table table;

    /**
     * @param database the database
     * @param json     the mapper for the JSON columns
     */
    public KeyStore(Database database, ObjectMapper json) {
        this.database = database;
        this.json = json;
        Map<String, ColumnType> columns = Columns.budgeted()
                .add(ColumnType.TEXT, "key_alias", "user_id", "team_id", "updated_by")
                .add(ColumnType.STRINGS, "models").add(ColumnType.OBJECT, "aliases", "permissions", "metadata")
                .add(ColumnType.TIME, "expires").add(ColumnType.BOOL, "blocked").build();
        this.table = new Table(database, json, "sluice_keys", "token", columns);
    }

    /** @return the database the keys are in */
    public Database database() {
        return database;
    }

    /** Stores a new key. */
    public void insert(KeyRecord key) {
        database.jdbi().useHandle(handle -> handle.createUpdate("""
                insert into sluice_keys (token, key_name, key_alias, user_id, team_id, models, aliases, permissions,
                    metadata, max_budget, soft_budget, spend, budget_duration, budget_reset_at, tpm_limit, rpm_limit,
                    max_parallel_requests, expires, blocked, created_by, updated_by, created_at, updated_at)
                values (:token, :key_name, :key_alias, :user_id, :team_id, :models, :aliases, :permissions, :metadata,
                    :max_budget, :soft_budget, :spend, :budget_duration, :budget_reset_at, :tpm_limit, :rpm_limit,
                    :max_parallel_requests, :expires, :blocked, :created_by, :created_by, :created_at, :updated_at)""")
                .bind("token", key.token()).bind("key_name", key.keyName())
                .bind("key_alias", key.keyAlias().orElse(null)).bind("user_id", key.userId().orElse(null))
                .bind("team_id", key.teamId().orElse(null)).bind("models", write(key.models()))
                .bind("aliases", write(key.aliases())).bind("permissions", write(key.permissions()))
                .bind("metadata", write(key.metadata())).bind("max_budget", key.maxBudget().orElse(null))
                .bind("soft_budget", key.softBudget().orElse(null)).bind("spend", key.spend())
                .bind("budget_duration", key.budgetDuration().map(TimeSpan::toString).orElse(null))
                .bind("budget_reset_at", timestamp(key.budgetResetAt())).bind("tpm_limit", key.tpmLimit().orElse(null))
                .bind("rpm_limit", key.rpmLimit().orElse(null))
                .bind("max_parallel_requests", key.maxParallelRequests().orElse(null))
                .bind("expires", timestamp(key.expires())).bind("blocked", key.blocked())
                .bind("created_by", key.createdBy().orElse(null))
                .bind("created_at", Timestamp.from(key.createdAt())).bind("updated_at", Timestamp.from(key.updatedAt()))
                .execute());
    }

    /** @return the key with this token */
    public Optional<KeyRecord> find(String token) {
        return database.jdbi().withHandle(handle -> handle.createQuery("select * from sluice_keys where token = :token")
                .bind("token", token).map((rs, ctx) -> read(rs)).findOne());
    }

    /** @return the {@code user_role} of a user, if the user exists */
    public Optional<String> userRole(String userId) {
        return database.jdbi().withHandle(handle -> handle.createQuery("select user_role from sluice_users "
                + "where user_id = :id").bind("id", userId).mapTo(String.class).findOne());
    }

    /** @return the key with this alias */
    public Optional<KeyRecord> findByAlias(String alias) {
        return database.jdbi().withHandle(handle -> handle.createQuery("select * from sluice_keys where key_alias = :alias")
                .bind("alias", alias).map((rs, ctx) -> read(rs)).findOne());
    }

    /**
     * Sets columns of one key.
     *
     * @param changes values by column name; each name must be one of {@link #COLUMNS}; lists and
     *                maps are stored as JSON, {@link TimeSpan}s as text
     * @return whether the key exists
     */
    public boolean update(String token, Map<String, Object> changes, Instant now, String updatedBy) {
        for (String column : changes.keySet()) {
            if (!COLUMNS.contains(column)) {
                throw new IllegalArgumentException("not an updatable key column: " + column);
            }
        }
        Map<String, Object> all = new LinkedHashMap<>(changes);
        all.put("updated_by", updatedBy);
        return table.update(token, all, now);
    }

    /** Gives a key a new token (regeneration), keeping everything else. @return whether it existed */
    public boolean replaceToken(String token, String newToken, String newKeyName, Instant now) {
        return database.jdbi().withHandle(handle -> handle.createUpdate(
                        "update sluice_keys set token = :new_token, key_name = :key_name, updated_at = :now where token = :token")
                .bind("new_token", newToken).bind("key_name", newKeyName).bind("now", Timestamp.from(now))
                .bind("token", token).execute() == 1);
    }

    /**
     * Starts a new budget window for every key whose {@code budget_reset_at} has passed.
     *
     * @return the tokens of the keys reset
     */
    public List<String> resetDueBudgets(Instant now) {
        return table.resetDueBudgets(now, Table.ResetHook.NONE);
    }

    /** Deletes keys. @return the tokens that existed and are gone */
    public List<String> delete(List<String> tokens) {
        return table.delete(tokens);
    }

    /**
     * One page of keys, newest first.
     *
     * @param filters equality filters by column: {@code user_id}, {@code team_id}, {@code key_alias},
     *                {@code token}
     * @param page    the page, from 1
     * @param size    keys per page
     * @return the page and the total count
     */
    public KeyPage list(Map<String, String> filters, int page, int size) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        for (String column : filters.keySet()) {
            if (!Set.of("user_id", "team_id", "key_alias", "token").contains(column)) {
                throw new IllegalArgumentException("not a key filter: " + column);
            }
            where.append(" and ").append(column).append(" = :").append(column);
        }
        return database.jdbi().withHandle(handle -> {
            Query count = handle.createQuery("select count(*) from sluice_keys" + where);
            filters.forEach(count::bind);
            long total = count.mapTo(Long.class).one();
            Query select = handle.createQuery("select * from sluice_keys" + where
                    + " order by created_at desc, token limit :limit offset :offset");
            filters.forEach(select::bind);
            List<KeyRecord> keys = select.bind("limit", size).bind("offset", (long) (page - 1) * size)
                    .map((rs, ctx) -> read(rs)).list();
            return new KeyPage(keys, total);
        });
    }

    /** A page of keys and how many match in all. @param keys the page @param total all that match */
    public record KeyPage(List<KeyRecord> keys, long total) {
    }

    private KeyRecord read(ResultSet rs) throws SQLException {
        return new KeyRecord(rs.getString("token").trim(), rs.getString("key_name"),
                Optional.ofNullable(rs.getString("key_alias")), Optional.ofNullable(rs.getString("user_id")),
                Optional.ofNullable(rs.getString("team_id")), readList(rs.getString("models")),
                readMap(rs.getString("aliases")), readObject(rs.getString("permissions")),
                readObject(rs.getString("metadata")), Optional.ofNullable(rs.getBigDecimal("max_budget")),
                Optional.ofNullable(rs.getBigDecimal("soft_budget")), rs.getBigDecimal("spend"),
                Optional.ofNullable(rs.getString("budget_duration")).map(TimeSpan::parse),
                instant(rs.getTimestamp("budget_reset_at")), optionalLong(rs, "tpm_limit"),
                optionalLong(rs, "rpm_limit"), optionalLong(rs, "max_parallel_requests").map(Long::intValue),
                instant(rs.getTimestamp("expires")), rs.getBoolean("blocked"),
                Optional.ofNullable(rs.getString("created_by")), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    private static Optional<Long> optionalLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }

    private static Optional<Instant> instant(Timestamp timestamp) {
        return Optional.ofNullable(timestamp).map(Timestamp::toInstant);
    }

    private static Timestamp timestamp(Optional<Instant> instant) {
        return instant.map(Timestamp::from).orElse(null);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot store as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private List<String> readList(String text) {
        try {
            return json.readValue(text, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sluice_keys.models is not a JSON list of strings", e);
        }
    }

    private Map<String, String> readMap(String text) {
        try {
            return json.readValue(text, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sluice_keys.aliases is not a JSON map of strings", e);
        }
    }

    private ObjectNode readObject(String text) {
        try {
            return (ObjectNode) json.readTree(text);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("a JSON object column of sluice_keys holds something else", e);
        }
    }
}
