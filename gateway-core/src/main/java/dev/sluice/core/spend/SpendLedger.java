package dev.sluice.core.spend;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sluice.core.json.JsonFactories;
import dev.sluice.core.store.DataRefusal;
import dev.sluice.core.store.Database;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every call's spend goes, and from where it reaches the database without being lost or
 * counted twice (see docs/spend-path.md):
 * <ol>
 *   <li>{@link #record} appends the record to a local journal ({@link SpendJournal}: one
 *       sequential write shared by the calls ending together, no fsync) and returns; the call
 *       answers after that, so a killed process has every answered call's record on disk;</li>
 *   <li>a background writer moves journalled records to the database in bulk: log rows as one
 *       batch, spend summed per key, user, team, member and customer and applied as one update
 *       each, the daily totals, and how far the journal has been read, all in one transaction;</li>
 *   <li>a restart reads on from where the database says it got to, so what it had not taken is
 *       written and what it had is not written again;</li>
 *   <li>a record the database refuses as data (not for being down) is found by halving its batch, put in the
 *       dead-letter file with a log line and counted ({@link #quarantined}), and the others go on.</li>
 * </ol>
 */
public final class SpendLedger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SpendLedger.class);
    private static final int BATCH = 2000;
    private static final int MEMORY_LIMIT = 50_000;
    private static final Duration INTERVAL = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Database database;
    private final SpendJournal journal;
    private final Path deadLetters;
    private final ObjectMapper json;
    private final SpendRows rows;
    /** Records just journalled, in journal order, so the writer need not read them back; bounded. */
    private final ConcurrentLinkedQueue<SpendJournal.Line> recent = new ConcurrentLinkedQueue<>();
    private final AtomicInteger recentCount = new AtomicInteger();
    /** Records the journal could not take (a full or failed disk): written straight from memory. */
    private final ConcurrentLinkedQueue<SpendRecord> unjournalled = new ConcurrentLinkedQueue<>();
    private final AtomicLong quarantined = new AtomicLong();
    private volatile SpendWatch watch;
    private final ReentrantLock writing = new ReentrantLock();
    /** The journal offset the database has taken everything before; -1 until read from it. */
    private volatile long acknowledged = -1;
    private volatile Thread writer;
    private volatile boolean closed;

    /**
     * @param database    where spend goes
     * @param journalDir  the folder of the journal and its dead-letter file
     * @param keepLogs    whether to write a log row per call ({@code disable_spend_logs} turns it
     *                    off); accounts' spend totals are kept either way
     */
    public SpendLedger(Database database, Path journalDir, boolean keepLogs) {
        this.database = database;
        this.json = JsonMapper.builder(JsonFactories.sharedBuffers().build()).addModule(new JavaTimeModule()).build();
        this.rows = new SpendRows(keepLogs);
        this.journal = new SpendJournal(journalDir, this::journalled);
        this.deadLetters = journalDir.resolve("dead-letter.jsonl");
        takeOverOldJournal(journalDir.resolveSibling("spend-journal.jsonl"));
    }

    /** Tells the watch what every batch written from now on adds to the accounts (budget alerts). */
    public void watch(SpendWatch watch) {
        rows.watch(watch);
        this.watch = watch;
    }

    /** Starts writing in the background. */
    public SpendLedger start() {
        // a platform thread: the database driver's (H2's file) I/O would pin a virtual one's carrier
        writer = Thread.ofPlatform().daemon().name("sluice-spend-writer").start(this::run);
        return this;
    }

    /**
     * Journals one call's spend and returns once it is written to the journal file. Never
     * throws: a record the journal cannot take waits in memory for the database, said in the log.
     */
    public void record(SpendRecord record) {
        byte[] line;
        try {
            line = lineOf(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a record of strings, numbers and times always serialises
        }
        try {
            journal.append(line, record);
        } catch (UncheckedIOException e) {
            unjournalled.add(record);
            LOG.error("Spend record {} could not be journalled ({}); it waits in memory for the database",
                    record.requestId(), e.getCause().toString());
        }
    }

    private byte[] lineOf(SpendRecord record) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        json.writeValue(line, record);
        line.write('\n');
        return line.toByteArray();
    }

    private void journalled(List<SpendJournal.Line> lines) {
        if (recentCount.get() < MEMORY_LIMIT) {
            recent.addAll(lines);
            recentCount.addAndGet(lines.size());
        }
    }

    /** @return records journalled that the database has not taken yet */
    public long pending() {
        writing.lock();
        try {
            long from;
            try {
                from = acknowledged();
            } catch (RuntimeException e) {
                from = journal.start(); // the database cannot say: everything kept may be pending
            }
            long count = unjournalled.size();
            for (List<SpendJournal.Line> lines = journal.read(from, BATCH); !lines.isEmpty();
                 lines = journal.read(from, BATCH)) {
                count += lines.size();
                from = lines.get(lines.size() - 1).end();
            }
            return count;
        } finally {
            writing.unlock();
        }
    }

    /** @return bytes journalled that the database has not taken yet (all kept, before it has been asked) */
    public long backlogBytes() {
        long from = acknowledged;
        return journal.end() - (from >= 0 ? from : journal.start());
    }

    /** @return records the database refused and that went to the dead-letter file, since start */
    public long quarantined() {
        return quarantined.get();
    }

    /**
     * Writes what is journalled, now.
     *
     * @return whether everything journalled was written (or quarantined)
     */
    public boolean flush() {
        writing.lock();
        try {
            writeUnjournalled();
            while (acknowledged() < journal.end()) {
                List<Entry> batch = next(acknowledged);
                if (batch.isEmpty()) { // the checkpoint points where the journal has no line: never spin on it
                    LOG.error("Spend journal: nothing to read at offset {} of {}; is the folder one the database "
                            + "knows?", acknowledged, journal.end());
                    return false;
                }
                if (!writeOrIsolate(batch)) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Spend not written yet ({}); it waits in the journal", e.toString());
            return false;
        } finally {
            writing.unlock();
        }
    }

    /** @return how far the database has taken the journal, asked of it once */
    private long acknowledged() {
        if (acknowledged < 0) {
            acknowledged = database.jdbi().inTransaction(handle -> SpendRows.readCheckpoint(handle, journal.id(),
                    journal.start()));
        }
        return acknowledged;
    }

    /** A journalled record (null if its line does not read as one) and where it ends. */
    private record Entry(SpendRecord record, byte[] line, long end) {
    }

    /** The next records from an offset: from memory when they are there, else read back from the file. */
    private List<Entry> next(long from) {
        for (SpendJournal.Line head = recent.peek(); head != null && head.end() <= from; head = recent.peek()) {
            recent.poll();
            recentCount.decrementAndGet();
        }
        List<Entry> batch = new ArrayList<>();
        SpendJournal.Line head = recent.peek();
        if (head != null && head.start() == from) {
            long expected = from;
            for (SpendJournal.Line line : recent) {
                if (batch.size() == BATCH || line.start() != expected) {
                    break; // a gap: lines written while memory was full are read from the file next time
                }
                SpendRecord record = line.item() instanceof SpendRecord made ? made : parse(line.bytes());
                batch.add(new Entry(record, line.bytes(), line.end()));
                expected = line.end();
            }
            return batch;
        }
        for (SpendJournal.Line line : journal.read(from, BATCH)) {
            batch.add(new Entry(parse(line.bytes()), line.bytes(), line.end()));
        }
        return batch;
    }

    private SpendRecord parse(byte[] line) {
        try {
            return json.readValue(line, SpendRecord.class);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Writes a batch; if the database refuses something in it as data, halves are written on their
     * own until the records it refuses stand alone, and those are quarantined.
     *
     * @return false when the database failed otherwise (unreachable, say): try again later
     */
    private boolean writeOrIsolate(List<Entry> batch) {
        if (batch.isEmpty()) {
            return true;
        }
        for (int at = 0; at < batch.size(); at++) {
            if (batch.get(at).record() == null) {
                return writeOrIsolate(batch.subList(0, at)) && quarantine(batch.get(at), "not a spend record")
                        && writeOrIsolate(batch.subList(at + 1, batch.size()));
            }
        }
        RuntimeException failure = attempt(batch);
        if (failure != null && refusesData(failure)) {
            failure = attempt(batch); // once more, whole: two replicas may have raced to add the same daily row
        }
        if (failure == null) {
            return true;
        }
        if (!refusesData(failure)) {
            LOG.warn("Spend not written ({}); records wait in the journal", failure.toString());
            return false;
        }
        if (batch.size() == 1) {
            return quarantine(batch.get(0), failure.toString());
        }
        int half = batch.size() / 2;
        return writeOrIsolate(batch.subList(0, half)) && writeOrIsolate(batch.subList(half, batch.size()));
    }

    /** @return why the batch was not written, or null if it was */
    private RuntimeException attempt(List<Entry> batch) {
        try {
            write(batch);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Whether the database refused the records' data rather than failed; see {@link DataRefusal}. */
    static boolean refusesData(Throwable failure) {
        return DataRefusal.state(failure).isPresent();
    }

    private void write(List<Entry> batch) {
        long end = batch.get(batch.size() - 1).end();
        List<SpendRecord> records = batch.stream().map(Entry::record).toList();
        database.jdbi().useTransaction(handle -> {
            rows.write(handle, records);
            SpendRows.moveCheckpoint(handle, journal.id(), end);
        });
        advanceTo(end);
    }

    private boolean quarantine(Entry entry, String reason) {
        try {
            String line = "{\"reason\":" + json.writeValueAsString(reason) + ",\"record\":"
                    + json.writeValueAsString(new String(entry.line(), StandardCharsets.UTF_8).strip()) + "}\n";
            Files.writeString(deadLetters, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.SYNC);
            database.jdbi().useTransaction(handle -> SpendRows.moveCheckpoint(handle, journal.id(), entry.end()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Spend record could not be quarantined yet ({}); it waits in the journal", e.toString());
            return false;
        }
        advanceTo(entry.end());
        quarantined.incrementAndGet();
        String requestId = entry.record() == null ? "(unreadable)" : entry.record().requestId();
        LOG.error("Spend record {} refused by the database and moved to {}: {}", requestId, deadLetters, reason);
        SpendWatch told = watch;
        if (told != null) {
            told.quarantined(requestId, reason);
        }
        return true;
    }

    private void advanceTo(long end) {
        acknowledged = end;
        journal.acknowledge(end);
    }

    private void writeUnjournalled() {
        List<SpendRecord> records = new ArrayList<>();
        for (SpendRecord record = unjournalled.poll(); record != null; record = unjournalled.poll()) {
            records.add(record);
        }
        if (records.isEmpty()) {
            return;
        }
        try {
            database.jdbi().useTransaction(handle -> rows.write(handle, records));
        } catch (RuntimeException e) {
            unjournalled.addAll(records);
            throw e;
        }
    }

    /** Records written by an earlier version, which kept them in one file while the database was down. */
    private void takeOverOldJournal(Path old) {
        if (!Files.exists(old)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(old, StandardCharsets.UTF_8);
            for (String line : lines) {
                if (!line.isBlank()) {
                    journal.append((line.strip() + "\n").getBytes(StandardCharsets.UTF_8), null);
                }
            }
            Files.delete(old);
            LOG.info("Moved {} spend records from {} into the spend journal", lines.size(), old);
        } catch (IOException e) {
            throw new UncheckedIOException("the old spend journal " + old + " cannot be read", e);
        }
    }

    private void run() {
        Duration wait = INTERVAL;
        while (!closed) {
            LockSupport.parkNanos(wait.toNanos());
            if (acknowledged == journal.end() && unjournalled.isEmpty()) {
                continue;
            }
            wait = flush() ? INTERVAL : min(wait.multipliedBy(2), MAX_BACKOFF);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Stops the writer and writes what is waiting; what cannot be written stays in the journal. */
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
        if (!flush() && !unjournalled.isEmpty()) {
            LOG.error("{} spend records could neither be journalled nor written at shutdown", unjournalled.size());
        }
        journal.close();
    }
}
