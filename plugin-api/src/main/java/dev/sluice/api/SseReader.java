package dev.sluice.api;

import java.io.InputStream;

/**
 * Reads server-sent events (the {@code text/event-stream} format of the HTML standard) from a
 * stream, event by event, as the bytes arrive. Shared by every provider whose vendor streams SSE;
 * {@link LineReader} is its counterpart for newline-delimited streams. A connection that breaks
 * off surfaces as {@link java.io.UncheckedIOException}: let it propagate, and the gateway answers
 * a retryable 503 ({@link ErrorKind#UPSTREAM_UNAVAILABLE}). Not thread-safe.
 */
public final class SseReader {

    private final Lines lines;

    /** @param in the response body; not closed by this reader */
    public SseReader(InputStream in) {
        this.lines = new Lines(in);
    }

    /**
     * Blocks until a whole event has arrived.
     *
     * @return the next event, or {@code null} at the end of the stream
     * @throws java.io.UncheckedIOException if reading fails
     */
    public SseEvent next() {
        String event = "message";
        StringBuilder data = null;
        while (true) {
            String text = lines.next();
            if (text == null) {
                return data == null ? null : new SseEvent(event, data.toString());
            }
            if (text.isEmpty()) {
                if (data != null) {
                    return new SseEvent(event, data.toString());
                }
                event = "message";
                continue;
            }
            if (text.charAt(0) == ':') {
                continue;
            }
            int colon = text.indexOf(':');
            String field = colon < 0 ? text : text.substring(0, colon);
            String value = colon < 0 ? "" : text.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            if (field.equals("data")) {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            } else if (field.equals("event")) {
                event = value;
            }
        }
    }
}
