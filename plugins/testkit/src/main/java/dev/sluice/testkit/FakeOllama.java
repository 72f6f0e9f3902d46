package dev.sluice.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A fake Ollama server, written from Ollama's API reference (docs/api.md: "Generate a chat
 * completion" {@code POST /api/chat}, streamed by default as newline-delimited JSON objects, the
 * last with {@code done: true}, {@code done_reason}, {@code prompt_eval_count} and
 * {@code eval_count}; "Generate Embeddings" {@code POST /api/embed}; errors as
 * {@code {"error": "..."}}). Usage: {@link #promptTokens} prompt tokens, one output token per
 * word of the reply. After {@link #replyWithToolCall}, the answer is a tool call.
 */
public final class FakeOllama extends FakeUpstream {

    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile String reply = "Hello from the fake Ollama server.";
    private volatile long promptTokens = 26;
    private volatile String toolName;
    private volatile String toolArguments;

    /** Starts a fake on a free loopback port. */
    public FakeOllama() {
    }

    /** Sets the assistant's reply; streamed, it arrives one word per line. */
    public FakeOllama reply(String text) {
        this.reply = text;
        return this;
    }

    /** Makes every chat answer a call of this tool with these JSON arguments. */
    public FakeOllama replyWithToolCall(String name, String argumentsJson) {
        this.toolName = name;
        this.toolArguments = argumentsJson;
        return this;
    }

    @Override
    protected void handle(RecordedRequest request, HttpExchange exchange) throws IOException {
        String path = request.path().replaceFirst("\\?.*$", "");
        JsonNode body = JSON.readTree(request.body());
        if (path.equals("/api/chat")) {
            if (body.path("stream").asBoolean(true)) {
                stream(body, exchange);
            } else {
                sendJson(exchange, 200, JSON.writeValueAsString(last(body, message(body))));
            }
        } else if (path.equals("/api/embed")) {
            sendJson(exchange, 200, JSON.writeValueAsString(embeddings(body)));
        } else {
            sendJson(exchange, 404, "{\"error\":\"404 page not found\"}");
        }
    }

    @Override
    protected String badRequestBody() {
        return "{\"error\":\"invalid options: temperature\"}";
    }

    @Override
    protected String errorBody(int status) {
        return switch (status) {
            case 400 -> "{\"error\":\"the input length exceeds the context length\"}";
            case 404 -> "{\"error\":\"model \\\"llama3.1:8b\\\" not found, try pulling it first\"}";
            default -> "{\"error\":\"an unexpected error occurred\"}";
        };
    }

    private List<String> words() {
        return List.of(reply.split(" "));
    }

    private ObjectNode line(JsonNode request) {
        ObjectNode line = JSON.createObjectNode();
        line.put("model", request.path("model").asText());
        line.put("created_at", "2026-11-22T10:00:00.000000Z");
        return line;
    }

    private ObjectNode message(JsonNode request) throws IOException {
        ObjectNode message = JSON.createObjectNode().put("role", "assistant");
        if (toolName != null) {
            message.put("content", "");
            ObjectNode function = message.putArray("tool_calls").addObject().putObject("function");
            function.put("name", toolName).set("arguments", JSON.readTree(toolArguments));
        } else {
            message.put("content", reply);
        }
        return message;
    }

    private ObjectNode last(JsonNode request, ObjectNode message) {
        ObjectNode last = line(request);
        last.set("message", message);
        last.put("done_reason", "stop").put("done", true);
        last.put("total_duration", 5_191_566_416L).put("load_duration", 2_154_458L);
        last.put("prompt_eval_count", promptTokens).put("prompt_eval_duration", 383_809_000L);
        last.put("eval_count", toolName != null ? 12 : words().size()).put("eval_duration", 4_799_921_000L);
        return last;
    }

    private void stream(JsonNode request, HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/x-ndjson");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        if (toolName != null) {
            ObjectNode line = line(request);
            line.set("message", message(request));
            line.put("done", false);
            write(out, line);
        } else {
            List<String> words = words();
            for (int i = 0; i < words.size(); i++) {
                ObjectNode line = line(request);
                line.putObject("message").put("role", "assistant").put("content", i == 0 ? words.get(i) : " " + words.get(i));
                line.put("done", false);
                write(out, line);
            }
        }
        ObjectNode empty = JSON.createObjectNode().put("role", "assistant").put("content", "");
        write(out, last(request, empty));
        out.close();
    }

    private ObjectNode embeddings(JsonNode request) {
        ObjectNode answer = JSON.createObjectNode().put("model", request.path("model").asText());
        ArrayNode embeddings = answer.putArray("embeddings");
        JsonNode input = request.path("input");
        int count = input.isArray() ? input.size() : 1;
        for (int i = 0; i < count; i++) {
            embeddings.addArray().add(0.010071029).add(-0.0017594862).add(0.05007221 + i);
        }
        answer.put("total_duration", 14_143_917L).put("load_duration", 1_019_500L).put("prompt_eval_count", 8L * count);
        return answer;
    }

    private static void write(OutputStream out, JsonNode line) throws IOException {
        out.write((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
