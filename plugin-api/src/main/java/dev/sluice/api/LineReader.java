package dev.sluice.api;

import java.io.InputStream;

/**
 * Reads a newline-delimited stream (NDJSON, JSON Lines: one event per line, as Ollama and many
 * vendors stream) line by line as the bytes arrive, skipping blank lines; the counterpart of
 * {@link SseReader}. A connection that breaks off surfaces as {@link java.io.UncheckedIOException}:
 * let it propagate, and the gateway answers a retryable 503
 * ({@link ErrorKind#UPSTREAM_UNAVAILABLE}) and charges what was already delivered. Not
 * thread-safe.
 *
 * @since 1.3.0
 */
public final class LineReader {

    private final Lines lines;

    /** @param in the response body; not closed by this reader */
    public LineReader(InputStream in) {
        this.lines = new Lines(in);
    }

    /**
     * Blocks until a whole line has arrived.
     *
     * @return the next line that is not blank, without its line end, or {@code null} at the end of
     *         the stream (a last line without a line end included)
     * @throws java.io.UncheckedIOException if reading fails
     */
    public String next() {
        String line;
        do {
            line = lines.next();
        } while (line != null && line.isBlank());
        return line;
    }
}
