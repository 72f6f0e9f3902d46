package dev.sluice.core.spend;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.store.Database;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes spend off the request path: calls {@link #record} (a queue offer, never I/O) and a
 * background thread writes batches, each record's log row and the spend of its key, user, team,
 * team member and customer in one transaction. Nothing is lost silently:
 * <ul>
 *   <li>a record is counted once: its log row is inserted only if its request id is new, and the
 *       key's spend moves only when it is, so a retried batch never counts twice;</li>
 *   <li>while the database is down, records wait in memory, up to a bound, and beyond it in a
 *       journal file under the data dir, which is written to the database when it is back, on
 *       this run or the next.</li>
 * </ul>
 */
public final class SpendLedger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SpendLedger.class);
    private static final int BATCH = 1000;
    private static final Duration INTERVAL = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Database database;
    private final Path journal;
    private final ObjectMapper json;
    private final int memoryLimit;
    private final boolean keepLogs;
    private final ConcurrentLinkedQueue<SpendRecord> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final List<SpendRecord> retrying = new ArrayList<>();
    private final ReentrantLock writing = new ReentrantLock();
    private volatile Thread writer;
    /** Whether the journal file may hold records: known from our own writes, so idle ticks need no I/O. */
    private volatile boolean journalOnDisk;
    private volatile boolean closed;

    /**
     * @param database    where spend goes
     * @param journal     the file records wait in beyond the memory bound
     * @param memoryLimit how many records may wait in memory
     * @param keepLogs    whether to write a log row per call ({@code disable_spend_logs} turns it
     *                    off); keys' spend totals are kept either way
     */
    public SpendLedger(Database database, Path journal, int memoryLimit, boolean keepLogs) {
        this.database = database;
        this.keepLogs = keepLogs;
        this.journal = journal;
        this.json = com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule()).build();
        this.memoryLimit = memoryLimit;
        this.journalOnDisk = Files.exists(journal);
    }

    /** Starts the background writer. */
    public SpendLedger start() {
        writer = Thread.ofVirtual().name("sluice-spend-writer").start(this::run);
        return this;
    }

    /** Queues one call's spend; returns at once. */
    public void record(SpendRecord record) {
        queue.add(record);
        queued.incrementAndGet();
    }

    /** @return records not written to the database yet (in memory and in the journal) */
    public long pending() {
        writing.lock();
        try {
            return queued.get() + retrying.size() + journalLines();
        } finally {
            writing.unlock();
        }
    }

    /**
     * Writes what is waiting, now.
     *
     * @return whether everything waiting was written
     */
    public boolean flush() {
        writing.lock();
        try {
            List<SpendRecord> inMemory = new ArrayList<>(retrying);
            retrying.clear();
            for (SpendRecord record = queue.poll(); record != null; record = queue.poll()) {
                queued.decrementAndGet();
                inMemory.add(record);
            }
            List<SpendRecord> journalled = readJournal();
            if (journalled.isEmpty() && inMemory.isEmpty()) {
                return true;
            }
            List<SpendRecord> batch = new ArrayList<>(journalled);
            batch.addAll(inMemory);
            try {
                write(batch);
                deleteJournal();
                return true;
            } catch (RuntimeException e) {
                keep(journalled, inMemory, e);
                return false;
            }
        } finally {
            writing.unlock();
        }
    }

    /**
     * Writes records in one transaction: log rows as one JDBC batch, then one spend update per key,
     * then the daily totals ({@link DailySpend}).
     * Ids already in the table (a retried batch, the journal) are looked up first, one query per
     * thousand, and skipped with repeats inside the batch, so no record is counted twice and no
     * duplicate can fail a batch, and every retry after it, forever.
     */
    private void write(List<SpendRecord> records) {
        database.jdbi().useTransaction(handle -> {
            if (!keepLogs) {
                addToAccounts(handle, records);
                DailySpend.add(handle, records);
                return;
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int from = 0; from < records.size(); from += BATCH) {
                List<String> ids = records.subList(from, Math.min(records.size(), from + BATCH)).stream()
                        .map(SpendRecord::requestId).toList();
                seen.addAll(handle.createQuery("select request_id from sluice_spend_logs where request_id in (<ids>)")
                        .bindList("ids", ids).mapTo(String.class).list());
            }
            List<SpendRecord> rows = new ArrayList<>(records.size());
            for (SpendRecord record : records) {
                if (seen.add(record.requestId())) {
                    rows.add(record);
                }
            }
            if (rows.isEmpty()) {
                return;
            }
            var insert = handle.prepareBatch("""
                    insert into sluice_spend_logs (request_id, api_key, key_alias, user_id, team_id, end_user,
                        call_type, model, model_group, model_id, api_base, status, prompt_tokens, completion_tokens,
                        cached_tokens, total_tokens, spend, cache_hit, start_time, end_time)
                    values (:request_id, :api_key, :key_alias, :user_id, :team_id, :end_user, :call_type, :model,
                        :model_group, :model_id, :api_base, :status, :prompt_tokens, :completion_tokens,
                        :cached_tokens, :total_tokens, :spend, :cache_hit, :start_time, :end_time)""");
            for (SpendRecord record : rows) {
                insert.bind("request_id", record.requestId()).bind("api_key", record.keyToken())
                        .bind("key_alias", record.keyAlias()).bind("user_id", record.userId())
                        .bind("team_id", record.teamId()).bind("end_user", record.endUser())
                        .bind("call_type", record.callType()).bind("model", record.model())
                        .bind("model_group", record.modelGroup()).bind("model_id", record.modelId())
                        .bind("api_base", record.apiBase()).bind("status", record.status())
                        .bind("prompt_tokens", record.promptTokens()).bind("completion_tokens", record.completionTokens())
                        .bind("cached_tokens", record.cachedTokens())
                        .bind("total_tokens", record.promptTokens() + record.completionTokens())
                        .bind("spend", record.spend()).bind("cache_hit", record.cacheHit())
                        .bind("start_time", Timestamp.from(record.startTime()))
                        .bind("end_time", Timestamp.from(record.endTime()))
                        .add();
            }
            insert.execute();
            addToAccounts(handle, rows);
            DailySpend.add(handle, rows);
        });
    }

    /**
     * Adds the records' costs to the spend of everything they are counted against: key, user,
     * team, team member and customer, one update per distinct one in the batch. An id that is not
     * (or no longer) in its table changes nothing.
     */
    private static void addToAccounts(org.jdbi.v3.core.Handle handle, List<SpendRecord> records) {
        java.util.Map<String, java.util.Map<List<String>, java.math.BigDecimal>> byTable = new java.util.LinkedHashMap<>();
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
    }

    private static void add(java.util.Map<String, java.util.Map<List<String>, java.math.BigDecimal>> byTable, String sql,
                            SpendRecord record, String... ids) {
        if (ids[0] != null) {
            byTable.computeIfAbsent(sql, s -> new java.util.HashMap<>())
                    .merge(List.of(ids), record.spend(), java.math.BigDecimal::add);
        }
    }

    /**
     * After a failed write: records from memory wait in memory while they fit the bound; beyond
     * it, the journal is rewritten with everything waiting. Journalled records stay in the file
     * only, so nothing is held twice.
     */
    private void keep(List<SpendRecord> journalled, List<SpendRecord> inMemory, RuntimeException failure) {
        if (inMemory.size() + queued.get() <= memoryLimit) {
            retrying.addAll(inMemory);
            LOG.warn("Spend not written ({} records waiting, will retry): {}", inMemory.size() + journalled.size(),
                    failure.toString());
            return;
        }
        List<SpendRecord> all = new ArrayList<>(journalled);
        all.addAll(inMemory);
        try {
            replaceJournal(all);
            LOG.warn("Spend not written; {} records kept in {} until the database is back: {}", all.size(),
                    journal, failure.toString());
        } catch (UncheckedIOException e) {
            retrying.addAll(inMemory);
            LOG.error("Spend not written and the journal {} cannot be written either ({}); {} records wait in memory",
                    journal, e.getCause().toString(), retrying.size());
        }
    }

    /** Writes the journal anew, through a temporary file moved into place, so a crash leaves the old or the new. */
    private void replaceJournal(List<SpendRecord> records) {
        try {
            Path folder = Files.createDirectories(journal.toAbsolutePath().getParent());
            Path temporary = Files.createTempFile(folder, "spend-journal", ".tmp");
            try (BufferedWriter out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC)) {
                for (SpendRecord record : records) {
                    out.write(json.writeValueAsString(record));
                    out.newLine();
                }
            }
            Files.move(temporary, journal, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            journalOnDisk = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<SpendRecord> readJournal() {
        if (!journalOnDisk) {
            return List.of();
        }
        List<SpendRecord> records = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    records.add(json.readValue(line, SpendRecord.class));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the spend journal " + journal + " cannot be read", e);
        }
        return records;
    }

    private long journalLines() {
        try {
            return journalOnDisk ? Files.readAllLines(journal).stream().filter(l -> !l.isBlank()).count() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private void deleteJournal() {
        if (!journalOnDisk) {
            return;
        }
        try {
            Files.deleteIfExists(journal);
            journalOnDisk = false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void run() {
        Duration wait = INTERVAL;
        while (!closed) {
            LockSupport.parkNanos(wait.toNanos());
            if (queued.get() == 0 && retrying.isEmpty() && !journalOnDisk) {
                continue;
            }
            wait = flush() ? INTERVAL : min(wait.multipliedBy(2), MAX_BACKOFF);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Stops the writer and writes what is waiting (to the journal if the database is down). */
    @Override
    public void close() {
        closed = true;
        Thread thread = writer;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!flush()) {
            writing.lock();
            try {
                List<SpendRecord> all = new ArrayList<>(readJournal());
                all.addAll(retrying);
                replaceJournal(all);
                retrying.clear();
            } catch (UncheckedIOException e) {
                LOG.error("{} spend records could not be written or journalled at shutdown", retrying.size());
            } finally {
                writing.unlock();
            }
        }
    }
}
