package dev.sluice.core.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a stream of OpenAI chunks into the Messages API's event sequence, as Anthropic's SDKs
 * expect it: {@code message_start}; for each block (thinking, text, each tool call) a
 * {@code content_block_start}, its {@code content_block_delta}s ({@code thinking_delta},
 * {@code text_delta}, {@code input_json_delta}) and a {@code content_block_stop};
 * {@code message_delta} with the stop reason and the usage; {@code message_stop}. One instance
 * per stream; feed it every chunk, then {@link #end()}.
 */
public final class MessagesEvents {

    /**
     * One server-sent event.
     *
     * @param name the {@code event:} name
     * @param data the {@code data:} JSON
     */
    public record Event(String name, ObjectNode data) {
    }

    private final ObjectMapper json;
    private final List<Event> out = new ArrayList<>();
    private boolean started;
    private int index = -1;
    private String openBlock;
    private String stopReason = "end_turn";
    private Usage usage = Usage.ZERO;
    private boolean ended;

    /** @param json the mapper */
    public MessagesEvents(ObjectMapper json) {
        this.json = json;
    }

    /** @return the events this chunk makes, in order (possibly none) */
    public List<Event> onChunk(ChatChunk chunk) {
        out.clear();
        ObjectNode data = chunk.data();
        if (!started) {
            started = true;
            ObjectNode start = event("message_start");
            ObjectNode message = start.putObject("message");
            message.put("id", MessagesResponses.messageId(data.path("id").asText()));
            message.put("type", "message").put("role", "assistant").put("model", data.path("model").asText());
            message.putArray("content");
            message.putNull("stop_reason").putNull("stop_sequence");
            message.set("usage", MessagesResponses.usage(Usage.ZERO, json));
            out.add(new Event("message_start", start));
        }
        chunk.usage().ifPresent(reported -> usage = reported);
        JsonNode choice = data.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        if (!delta.path("reasoning_content").asText("").isEmpty()) {
            open("thinking", null);
            delta("thinking_delta", "thinking", delta.path("reasoning_content").asText());
        }
        if (!delta.path("content").asText("").isEmpty()) {
            open("text", null);
            delta("text_delta", "text", delta.path("content").asText());
        }
        for (JsonNode call : delta.path("tool_calls")) {
            if (call.path("function").has("name")) {
                open("tool_use", call);
            }
            String arguments = call.path("function").path("arguments").asText("");
            if (!arguments.isEmpty()) {
                delta("input_json_delta", "partial_json", arguments);
            }
        }
        if (choice.path("finish_reason").isTextual()) {
            stopReason = MessagesResponses.stopReason(choice.path("finish_reason").asText());
        }
        return List.copyOf(out);
    }

    /** @return the closing events: the last block's stop, {@code message_delta}, {@code message_stop} */
    public List<Event> end() {
        out.clear();
        if (!ended) {
            ended = true;
            close();
            ObjectNode messageDelta = event("message_delta");
            messageDelta.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
            messageDelta.set("usage", MessagesResponses.usage(usage, json));
            out.add(new Event("message_delta", messageDelta));
            out.add(new Event("message_stop", event("message_stop")));
        }
        return List.copyOf(out);
    }

    private void open(String type, JsonNode toolCall) {
        if (type.equals(openBlock) && toolCall == null) {
            return;
        }
        close();
        index++;
        openBlock = type;
        ObjectNode start = event("content_block_start").put("index", index);
        ObjectNode block = start.putObject("content_block").put("type", type);
        switch (type) {
            case "text" -> block.put("text", "");
            case "thinking" -> block.put("thinking", "").put("signature", "");
            default -> {
                block.put("id", toolCall.path("id").asText()).put("name", toolCall.path("function").path("name").asText());
                block.putObject("input");
            }
        }
        out.add(new Event("content_block_start", start));
    }

    private void delta(String type, String field, String value) {
        ObjectNode delta = event("content_block_delta").put("index", index);
        delta.putObject("delta").put("type", type).put(field, value);
        out.add(new Event("content_block_delta", delta));
    }

    private void close() {
        if (openBlock != null) {
            out.add(new Event("content_block_stop", event("content_block_stop").put("index", index)));
            openBlock = null;
        }
    }

    private ObjectNode event(String type) {
        return json.createObjectNode().put("type", type);
    }
}
