package dev.sluice.core.spend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file of lines, each addressed by the byte offset just past it, in segments
 * named by the offset they start at. Appends are group-committed on the callers' own threads:
 * whoever takes the lock writes every line waiting in one write, so calls ending together share
 * one system call, and a call alone pays one write with no hand-off to another thread (which cost
 * two thread wake-ups per call). Nothing is forced to the disk: a killed process loses nothing
 * (its writes are in the kernel's page cache), a power cut may lose the last moments. Segments
 * wholly below the acknowledged offset are deleted.
 */
final class SpendJournal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SpendJournal.class);
    private static final String SUFFIX = ".wal";
    private static final long SEGMENT_BYTES = 64L << 20;

    private final long segmentBytes;

    /**
     * A line the journal holds: its bytes, what the appender made it from (null when read back
     * from the file), and the offsets it starts and ends at.
     */
    record Line(byte[] bytes, Object item, long start, long end) {
    }

    private final Path folder;
    private final String id;
    private final ConcurrentLinkedQueue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    private final Consumer<List<Line>> onWritten;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;
    private FileChannel segment;
    private volatile long segmentStart;
    /** Where the oldest segment kept starts, so acknowledging lists the folder only when one can go. */
    private volatile long oldestStart;
    private volatile long end;

    private static final class Waiting {
        final byte[] bytes;
        final Object item;
        volatile boolean written;
        volatile IOException failure;

        Waiting(byte[] bytes, Object item) {
            this.bytes = bytes;
            this.item = item;
        }
    }

    /**
     * Opens the journal in a folder, made if need be; a line cut short at the end of the last
     * segment (a write the process died in) is dropped.
     *
     * @param onWritten told of every batch of lines once written, in order, under the journal's lock
     */
    SpendJournal(Path folder, Consumer<List<Line>> onWritten) {
        this(folder, onWritten, SEGMENT_BYTES);
    }

    /** As above, with segments of another size (tests roll them small). */
    SpendJournal(Path folder, Consumer<List<Line>> onWritten, long segmentBytes) {
        this.segmentBytes = segmentBytes;
        this.folder = folder;
        this.onWritten = onWritten;
        try {
            Files.createDirectories(folder);
            Path idFile = folder.resolve("journal.id");
            if (!Files.exists(idFile)) {
                Files.writeString(idFile, UUID.randomUUID().toString(), StandardCharsets.UTF_8);
            }
            this.id = Files.readString(idFile, StandardCharsets.UTF_8).strip();
            List<Long> starts = segmentStarts();
            segmentStart = starts.isEmpty() ? 0 : starts.get(starts.size() - 1);
            oldestStart = starts.isEmpty() ? 0 : starts.get(0);
            segment = FileChannel.open(segmentPath(segmentStart), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            long size = segment.size();
            long whole = lastNewline(segment, size);
            if (whole < size) {
                LOG.warn("Spend journal {}: dropping {} bytes of a record cut short at its end", folder, size - whole);
                segment.truncate(whole);
            }
            segment.position(whole);
            end = segmentStart + whole;
        } catch (IOException e) {
            throw new UncheckedIOException("the spend journal in " + folder + " cannot be opened", e);
        }
    }

    /** @return this journal's identity, under which the database keeps how far it has read it */
    String id() {
        return id;
    }

    /** @return the offset just past the last line written */
    long end() {
        return end;
    }

    /** @return the offset the oldest kept segment starts at */
    long start() {
        return oldestStart;
    }

    /**
     * Appends one line (which must end with a newline) and returns once it is written, sharing
     * the write with every line waiting at the same time.
     *
     * @param line the bytes
     * @param item what they were made from, handed to the listener with them
     * @throws UncheckedIOException when the file cannot be written
     */
    void append(byte[] line, Object item) {
        if (closed) {
            throw new UncheckedIOException(new IOException("the spend journal in " + folder + " is closed"));
        }
        Waiting mine = new Waiting(line, item);
        waiting.add(mine);
        lock.lock();
        try {
            if (!mine.written) {
                if (closed) {
                    throw new UncheckedIOException(new IOException("the spend journal in " + folder + " is closed"));
                }
                writeWaiting();
            }
        } finally {
            lock.unlock();
        }
        if (mine.failure != null) {
            throw new UncheckedIOException("the spend journal in " + folder + " cannot be written", mine.failure);
        }
    }

    private void writeWaiting() {
        List<Waiting> batch = new ArrayList<>();
        for (Waiting next = waiting.poll(); next != null; next = waiting.poll()) {
            batch.add(next);
        }
        List<Line> lines = new ArrayList<>(batch.size());
        IOException failure = null;
        try {
            if (end - segmentStart >= segmentBytes) {
                roll();
            }
            ByteBuffer[] buffers = new ByteBuffer[batch.size()];
            long offset = end;
            for (int i = 0; i < batch.size(); i++) {
                byte[] bytes = batch.get(i).bytes;
                buffers[i] = ByteBuffer.wrap(bytes);
                lines.add(new Line(bytes, batch.get(i).item, offset, offset + bytes.length));
                offset += bytes.length;
            }
            long total = offset - end;
            long written = 0;
            while (written < total) {
                written += segment.write(buffers);
            }
            end = offset;
        } catch (IOException e) {
            failure = e;
            lines.clear();
            try {
                segment.truncate(end - segmentStart);
                segment.position(end - segmentStart);
            } catch (IOException ignored) {
                // the next append will fail the same way and say so
            }
        }
        try {
            if (!lines.isEmpty()) {
                onWritten.accept(lines);
            }
        } finally {
            for (Waiting each : batch) {
                each.failure = failure;
                each.written = true;
            }
        }
    }

    private void roll() throws IOException {
        segment.close();
        segmentStart = end;
        segment = FileChannel.open(segmentPath(segmentStart), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    /**
     * Reads whole lines from an offset, up to a count or the end.
     *
     * @param from a line's start offset (or the end)
     * @param max  the most lines to read
     */
    List<Line> read(long from, int max) {
        long upTo = end;
        List<Line> lines = new ArrayList<>();
        List<Long> starts = segmentStarts();
        for (int i = 0; i < starts.size() && lines.size() < max && from < upTo; i++) {
            long start = starts.get(i);
            long next = i + 1 < starts.size() ? starts.get(i + 1) : upTo;
            if (from >= next) {
                continue;
            }
            from = Math.max(from, start);
            readSegment(start, from, Math.min(next, upTo), max, lines);
            if (!lines.isEmpty()) {
                from = lines.get(lines.size() - 1).end();
            }
        }
        return lines;
    }

    private void readSegment(long start, long from, long upTo, int max, List<Line> lines) {
        try (FileChannel channel = FileChannel.open(segmentPath(start), StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(upTo - from, 8L << 20));
            while (buffer.hasRemaining() && channel.read(buffer, from - start + buffer.position()) > 0) {
                // a read may return less than asked
            }
            byte[] bytes = buffer.array();
            int lineStart = 0;
            for (int i = 0; i < buffer.position() && lines.size() < max; i++) {
                if (bytes[i] == '\n') {
                    byte[] line = java.util.Arrays.copyOfRange(bytes, lineStart, i + 1);
                    lines.add(new Line(line, null, from + lineStart, from + i + 1));
                    lineStart = i + 1;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the spend journal in " + folder + " cannot be read", e);
        }
    }

    /** Deletes the segments wholly below an offset that the database has acknowledged. */
    void acknowledge(long offset) {
        if (oldestStart == segmentStart) {
            return; // one segment, the one being written: nothing to list
        }
        List<Long> starts = segmentStarts();
        for (int i = 0; i + 1 < starts.size(); i++) {
            if (starts.get(i + 1) <= offset) {
                try {
                    Files.deleteIfExists(segmentPath(starts.get(i)));
                    oldestStart = starts.get(i + 1);
                } catch (IOException e) {
                    LOG.warn("Spend journal segment {} cannot be deleted: {}", segmentPath(starts.get(i)), e.toString());
                    return;
                }
            }
        }
    }

    private List<Long> segmentStarts() {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(SUFFIX))
                    .map(name -> Long.parseLong(name.substring(0, name.length() - SUFFIX.length()))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("the spend journal in " + folder + " cannot be listed", e);
        }
    }

    private Path segmentPath(long start) {
        return folder.resolve(String.format("%020d%s", start, SUFFIX));
    }

    private static long lastNewline(FileChannel channel, long size) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        for (long position = size - 1; position >= 0; position--) {
            one.clear();
            channel.read(one, position);
            if (one.get(0) == '\n') {
                return position + 1;
            }
        }
        return 0;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            segment.close();
        } catch (IOException e) {
            LOG.warn("Spend journal {} did not close cleanly: {}", folder, e.toString());
        } finally {
            lock.unlock();
        }
    }
}
