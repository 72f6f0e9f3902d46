package dev.sluice.core.spend;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * What a batch of spend records does to the database, inside the caller's transaction: their log
 * rows (one JDBC batch, which the PostgreSQL driver sends as multi-row inserts), their spend summed
 * per account and applied as one update each, the daily totals ({@link DailySpend}); and how far
 * each journal has been written ({@code sluice_spend_journal}).
 */
final class SpendRows {

    private final boolean keepLogs;
    private volatile SpendWatch watch;

    SpendRows(boolean keepLogs) {
        this.keepLogs = keepLogs;
    }

    /** Tells the watch of every batch's additions to the accounts from now on. */
    void watch(SpendWatch watch) {
        this.watch = watch;
    }

    /**
     * Writes the records. The journal's checkpoint, moved in the same transaction, is what keeps a
     * record from being written twice; a call id that is in the table already (which no journal
     * replay can cause) fails the batch on the key, and the ledger quarantines that record.
     */
    void write(Handle handle, List<SpendRecord> records) {
        if (!keepLogs) {
            addToAccounts(handle, records);
            DailySpend.add(handle, records);
            return;
        }
        insertLogRows(handle, records);
        addToAccounts(handle, records);
        DailySpend.add(handle, records);
    }

    private static final String INSERT = """
            insert into sluice_spend_logs (request_id, api_key, key_alias, user_id, team_id, end_user, call_type, model,
                model_group, model_id, api_base, status, prompt_tokens, completion_tokens, cached_tokens, total_tokens,
                spend, cache_hit, start_time, end_time)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    /**
     * The log rows as one JDBC batch, bound by position on the plain statement: Jdbi's named
     * binding cost as much per row as the database's insert.
     */
    private static void insertLogRows(Handle handle, List<SpendRecord> records) {
        try (PreparedStatement insert = handle.getConnection().prepareStatement(INSERT)) {
            for (SpendRecord record : records) {
                insert.setString(1, record.requestId());
                insert.setString(2, record.keyToken());
                insert.setString(3, record.keyAlias());
                insert.setString(4, record.userId());
                insert.setString(5, record.teamId());
                insert.setString(6, record.endUser());
                insert.setString(7, record.callType());
                insert.setString(8, record.model());
                insert.setString(9, record.modelGroup());
                insert.setString(10, record.modelId());
                insert.setString(11, record.apiBase());
                insert.setString(12, record.status());
                insert.setLong(13, record.promptTokens());
                insert.setLong(14, record.completionTokens());
                insert.setLong(15, record.cachedTokens());
                insert.setLong(16, record.promptTokens() + record.completionTokens());
                insert.setBigDecimal(17, record.spend());
                insert.setBoolean(18, record.cacheHit());
                insert.setTimestamp(19, Timestamp.from(record.startTime()));
                insert.setTimestamp(20, Timestamp.from(record.endTime()));
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    /**
     * Adds the records' costs to the spend of everything they are counted against: key, user,
     * team, team member and customer, one update per distinct one in the batch. An id that is not
     * (or no longer) in its table changes nothing.
     */
    private void addToAccounts(Handle handle, List<SpendRecord> records) {
        Map<String, Map<List<String>, BigDecimal>> byTable = new LinkedHashMap<>();
        for (SpendRecord record : records) {
            if (record.spend().signum() == 0) {
                continue;
            }
            add(byTable, "update sluice_keys set spend = spend + :spend where token = :a", record, record.keyToken());
            if (record.teamId() == null) {
                // A team key's spend is the team's and the member's; a user's own is that of its personal keys.
                add(byTable, "update sluice_users set spend = spend + :spend where user_id = :a", record, record.userId());
            }
            add(byTable, "update sluice_teams set spend = spend + :spend where team_id = :a", record, record.teamId());
            add(byTable, "update sluice_customers set spend = spend + :spend where end_user_id = :a", record,
                    record.endUser());
            if (record.teamId() != null && record.userId() != null) {
                add(byTable, "update sluice_team_members set spend = spend + :spend where team_id = :a and user_id = :b",
                        record, record.teamId(), record.userId());
            }
        }
        byTable.forEach((sql, totals) -> {
            var batch = handle.prepareBatch(sql);
            totals.forEach((ids, spend) -> {
                batch.bind("spend", spend).bind("a", ids.get(0));
                if (ids.size() > 1) {
                    batch.bind("b", ids.get(1));
                }
                batch.add();
            });
            batch.execute();
        });
        SpendWatch told = watch;
        if (told != null) {
            byTable.forEach((sql, totals) -> told.added(handle, sql.substring("update ".length(),
                    sql.indexOf(' ', "update ".length())), totals));
        }
    }

    private static void add(Map<String, Map<List<String>, BigDecimal>> byTable, String sql, SpendRecord record,
                            String... ids) {
        if (ids[0] != null) {
            byTable.computeIfAbsent(sql, s -> new HashMap<>()).merge(List.of(ids), record.spend(), BigDecimal::add);
        }
    }

    /**
     * @return how far the database has taken this journal; a journal it has not seen starts at
     *         {@code start} (its oldest segment), and is registered
     */
    static long readCheckpoint(Handle handle, String journalId, long start) {
        return handle.createQuery("select written_to from sluice_spend_journal where journal_id = :id")
                .bind("id", journalId).mapTo(Long.class).findOne().orElseGet(() -> {
                    handle.createUpdate("insert into sluice_spend_journal (journal_id, written_to) values (:id, :at)")
                            .bind("id", journalId).bind("at", start).execute();
                    return start;
                });
    }

    /** Records, with the rows it covers, that the journal has been taken up to {@code end}. */
    static void moveCheckpoint(Handle handle, String journalId, long end) {
        handle.createUpdate("update sluice_spend_journal set written_to = :end where journal_id = :id")
                .bind("id", journalId).bind("end", end).execute();
    }
}
