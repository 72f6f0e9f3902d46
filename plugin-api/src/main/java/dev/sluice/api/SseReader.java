package dev.sluice.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads server-sent events (the {@code text/event-stream} format of the HTML standard) from a
 * stream, event by event, as the bytes arrive. Shared by every provider whose vendor streams SSE.
 * Not thread-safe.
 */
public final class SseReader {

    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    private byte[] line = new byte[256];
    private boolean skipLineFeed;

    /** @param in the response body; not closed by this reader */
    public SseReader(InputStream in) {
        this.in = in;
    }

    /**
     * Blocks until a whole event has arrived.
     *
     * @return the next event, or {@code null} at the end of the stream
     * @throws UncheckedIOException if reading fails
     */
    public SseEvent next() {
        String event = "message";
        StringBuilder data = null;
        while (true) {
            String text = readLine();
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

    private String readLine() {
        int length = 0;
        while (true) {
            if (position == limit && !fill()) {
                return length == 0 ? null : new String(line, 0, length, StandardCharsets.UTF_8);
            }
            byte b = buffer[position++];
            if (skipLineFeed) {
                skipLineFeed = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\n' || b == '\r') {
                skipLineFeed = b == '\r';
                return new String(line, 0, length, StandardCharsets.UTF_8);
            }
            if (length == line.length) {
                line = Arrays.copyOf(line, length * 2);
            }
            line[length++] = b;
        }
    }

    private boolean fill() {
        try {
            int read = in.read(buffer);
            if (read <= 0) {
                return false;
            }
            position = 0;
            limit = read;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
