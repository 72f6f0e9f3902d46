package dev.sluice.core.spend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads the JSON {@code data:} lines of server-sent events from bytes as they pass on their way
 * to a caller, one line held at a time (a line longer than {@link #MAX_LINE} is skipped), for
 * the usage a vendor reports in its events.
 */
public final class EventLines {

    /** The longest line kept: an event larger than this carries no usage worth reading. */
    public static final int MAX_LINE = 16 * 1024 * 1024;

    private final ObjectMapper json;
    private final Consumer<JsonNode> events;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean overlong;

    /**
     * @param json   the mapper
     * @param events takes each event's data
     */
    public EventLines(ObjectMapper json, Consumer<JsonNode> events) {
        this.json = json;
        this.events = events;
    }

    /** Takes the next bytes of the stream. */
    public void accept(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] == '\n') {
                take();
            } else if (line.size() < MAX_LINE) {
                line.write(bytes[i]);
            } else {
                overlong = true;
            }
        }
    }

    /** Takes the last line, when the stream has ended. */
    public void end() {
        take();
    }

    private void take() {
        String text = overlong ? "" : line.toString(StandardCharsets.UTF_8).strip();
        line.reset();
        overlong = false;
        if (text.startsWith("data:")) {
            String data = text.substring(5).strip();
            if (data.startsWith("{")) {
                try {
                    events.accept(json.readTree(data));
                } catch (IOException e) {
                    // not JSON: no usage in it
                }
            }
        }
    }
}
