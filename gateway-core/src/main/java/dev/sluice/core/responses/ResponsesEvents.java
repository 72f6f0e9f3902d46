package dev.sluice.core.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a stream of OpenAI chat chunks into the Responses API's event sequence, as OpenAI's SDKs
 * expect it: {@code response.created} and {@code response.in_progress}; for each output item
 * (reasoning, the message, each function call) {@code response.output_item.added}, its parts and
 * deltas ({@code response.reasoning_summary_text.delta}, {@code response.content_part.added},
 * {@code response.output_text.delta}, {@code response.function_call_arguments.delta}), their
 * {@code .done} events and {@code response.output_item.done}; then {@code response.completed} (or
 * {@code response.incomplete}) with the whole response and its usage. Every event carries a
 * {@code sequence_number}. One instance per stream; feed it every chunk, then {@link #end()}, or
 * {@link #fail} when the stream broke.
 */
public final class ResponsesEvents {

    /**
     * One server-sent event.
     *
     * @param name the {@code event:} name, also the data's {@code type}
     * @param data the {@code data:} JSON
     */
    public record Event(String name, ObjectNode data) {
    }

    private final ObjectMapper json;
    private final ObjectNode request;
    private final String id;
    private final long createdAt;
    private final ArrayNode output;
    private final List<Event> out = new ArrayList<>();
    private int sequence;
    private String model;
    private boolean started;
    private boolean ended;
    private Usage usage = Usage.ZERO;
    private String finishReason = "stop";
    /** The item being streamed: its index in output, kind and accumulated text. */
    private ObjectNode open;
    private String openKind;
    private StringBuilder openText;
    private int openToolIndex = -1;

    /**
     * @param request   the Responses API request, whose settings are echoed in the response
     * @param id        the response's id
     * @param createdAt when it was created, in epoch seconds
     * @param json      the mapper
     */
    public ResponsesEvents(ObjectNode request, String id, long createdAt, ObjectMapper json) {
        this.request = request;
        this.id = id;
        this.createdAt = createdAt;
        this.json = json;
        this.output = json.createArrayNode();
        this.model = request.path("model").asText();
    }

    /** @return the events this chunk makes, in order (possibly none) */
    public List<Event> onChunk(ChatChunk chunk) {
        out.clear();
        ObjectNode data = chunk.data();
        if (data.path("model").isTextual()) {
            model = data.path("model").asText();
        }
        if (!started) {
            started = true;
            emit("response.created", event().set("response", snapshot(null)));
            emit("response.in_progress", event().set("response", snapshot(null)));
        }
        chunk.usage().ifPresent(reported -> usage = reported);
        JsonNode choice = data.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        String reasoning = delta.path("reasoning_content").asText("");
        if (!reasoning.isEmpty()) {
            openReasoning();
            openText.append(reasoning);
            emit("response.reasoning_summary_text.delta", itemEvent().put("summary_index", 0).put("delta", reasoning));
        }
        String text = delta.path("content").asText("");
        if (!text.isEmpty()) {
            openMessage();
            openText.append(text);
            emit("response.output_text.delta", itemEvent().put("content_index", 0).put("delta", text)
                    .set("logprobs", json.createArrayNode()));
        }
        for (JsonNode call : delta.path("tool_calls")) {
            int index = call.path("index").asInt(0);
            if (!"function_call".equals(openKind) || index != openToolIndex) {
                openFunctionCall(index, call);
            }
            String arguments = call.path("function").path("arguments").asText("");
            if (!arguments.isEmpty()) {
                openText.append(arguments);
                emit("response.function_call_arguments.delta", itemEvent().put("delta", arguments));
            }
        }
        if (choice.path("finish_reason").isTextual()) {
            finishReason = choice.path("finish_reason").asText();
        }
        return List.copyOf(out);
    }

    /** @return the closing events: the open item's, then {@code response.completed} or {@code response.incomplete} */
    public List<Event> end() {
        out.clear();
        if (!ended) {
            ended = true;
            if (!started) {
                emit("response.created", event().set("response", snapshot(null)));
            }
            if (output.isEmpty() && open == null) {
                openMessage(); // an empty answer is still one message, as in a whole response
            }
            close();
            ObjectNode done = snapshot(finishReason);
            emit(done.path("status").asText().equals("incomplete") ? "response.incomplete" : "response.completed",
                    event().set("response", done));
        }
        return List.copyOf(out);
    }

    /** @return the events of a stream that broke: {@code error}, then {@code response.failed} */
    public List<Event> fail(GatewayException error) {
        out.clear();
        if (!ended) {
            ended = true;
            emit("error", event().put("code", Integer.toString(error.status())).put("message", error.getMessage())
                    .set("param", error.param().map(json.getNodeFactory()::textNode).orElse(null)));
            ObjectNode failed = snapshot(null).put("status", "failed");
            failed.putObject("error").put("code", error.type()).put("message", error.getMessage());
            emit("response.failed", event().set("response", failed));
        }
        return List.copyOf(out);
    }

    /** @return the response as it ended, for storing; valid after {@link #end()} */
    public ObjectNode response() {
        return snapshot(finishReason);
    }

    private void openReasoning() {
        if ("reasoning".equals(openKind)) {
            return;
        }
        close();
        open("reasoning", ResponsesOutput.reasoningItem(ResponsesOutput.newId("rs"), null, json));
        emit("response.reasoning_summary_part.added", itemEvent().put("summary_index", 0)
                .set("part", summaryPart("")));
    }

    private void openMessage() {
        if ("message".equals(openKind)) {
            return;
        }
        close();
        open("message", ResponsesOutput.messageItem(ResponsesOutput.newId("msg"), "", "in_progress", json));
        emit("response.content_part.added", itemEvent().put("content_index", 0)
                .set("part", ResponsesOutput.outputText("", json)));
    }

    private void openFunctionCall(int index, JsonNode call) {
        close();
        openToolIndex = index;
        open("function_call", ResponsesOutput.functionCall(ResponsesOutput.newId("fc"), call.path("id").asText(""),
                call.path("function").path("name").asText(""), "", "in_progress", json));
    }

    private void open(String kind, ObjectNode item) {
        openKind = kind;
        open = item;
        openText = new StringBuilder();
        output.add(item);
        emit("response.output_item.added", event().put("output_index", output.size() - 1).set("item", item.deepCopy()));
    }

    private void close() {
        if (open == null) {
            return;
        }
        String text = openText.toString();
        switch (openKind) {
            case "reasoning" -> {
                emit("response.reasoning_summary_text.done", itemEvent().put("summary_index", 0).put("text", text));
                emit("response.reasoning_summary_part.done", itemEvent().put("summary_index", 0)
                        .set("part", summaryPart(text)));
                ((ArrayNode) open.get("summary")).add(summaryPart(text));
            }
            case "message" -> {
                emit("response.output_text.done", itemEvent().put("content_index", 0).put("text", text)
                        .set("logprobs", json.createArrayNode()));
                emit("response.content_part.done", itemEvent().put("content_index", 0)
                        .set("part", ResponsesOutput.outputText(text, json)));
                ((ArrayNode) open.get("content")).add(ResponsesOutput.outputText(text, json));
                open.put("status", "completed");
            }
            default -> {
                emit("response.function_call_arguments.done", itemEvent().put("name", open.path("name").asText())
                        .put("arguments", text));
                open.put("arguments", text).put("status", "completed");
            }
        }
        emit("response.output_item.done", event().put("output_index", output.size() - 1).set("item", open.deepCopy()));
        open = null;
        openKind = null;
        openToolIndex = -1;
    }

    private ObjectNode summaryPart(String text) {
        return json.createObjectNode().put("type", "summary_text").put("text", text);
    }

    private ObjectNode snapshot(String finish) {
        return ResponsesOutput.response(request, id, createdAt, model, finish, output.deepCopy(), usage, json);
    }

    private ObjectNode itemEvent() {
        return event().put("item_id", open.path("id").asText()).put("output_index", output.size() - 1);
    }

    private ObjectNode event() {
        return json.createObjectNode();
    }

    private void emit(String type, ObjectNode data) {
        ObjectNode ordered = json.createObjectNode().put("type", type).put("sequence_number", sequence++);
        ordered.setAll(data);
        out.add(new Event(type, ordered));
    }
}
