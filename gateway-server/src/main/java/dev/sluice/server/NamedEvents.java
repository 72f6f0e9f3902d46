package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * Writes server-sent events that carry a name ({@code event: <name>}, then {@code data: <json>}),
 * as Anthropic's Messages and OpenAI's Responses streams do, flushing once per batch.
 */
final class NamedEvents {

    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private NamedEvents() {
    }

    /**
     * @param events the events of one batch
     * @param name   an event's name
     * @param data   an event's JSON
     */
    static <E> void write(OutputStream out, ObjectMapper json, List<E> events, Function<E, String> name,
                          Function<E, JsonNode> data) throws IOException {
        for (E event : events) {
            out.write(EVENT);
            out.write(name.apply(event).getBytes(StandardCharsets.US_ASCII));
            out.write(DATA);
            out.write(json.writeValueAsBytes(data.apply(event)));
            out.write(END);
        }
        if (!events.isEmpty()) {
            out.flush();
        }
    }
}
