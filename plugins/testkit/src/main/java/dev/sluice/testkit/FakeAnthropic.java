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
 * A fake Anthropic API, written from Anthropic's API reference ("Messages": create a message,
 * the message object, content blocks and stop reasons; "Streaming Messages": the event flow
 * {@code message_start}, {@code content_block_start}, {@code ping}, {@code content_block_delta}
 * with {@code text_delta} / {@code input_json_delta}, {@code content_block_stop},
 * {@code message_delta} with the cumulative {@code usage}, {@code message_stop}; "Errors": the
 * {@code {"type":"error","error":{"type","message"}}} body, 529 {@code overloaded_error}).
 *
 * <p>{@code POST .../v1/messages} answers like the real API: it refuses a request without
 * {@code x-api-key} or {@code anthropic-version} (401/400), without {@code max_tokens} (400) or
 * with a parameter the API does not take (400, as its "Extra inputs are not permitted"). The
 * reply is a text, or, after {@link #replyWithToolUse}, a {@code tool_use} block. Usage: input
 * tokens as set by {@link #inputTokens}, output tokens one per word of the reply.
 */
public final class FakeAnthropic extends FakeUpstream {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ACCEPTED = List.of("model", "messages", "max_tokens", "system", "metadata",
            "stop_sequences", "stream", "temperature", "top_p", "top_k", "tools", "tool_choice", "thinking",
            "service_tier", "container", "mcp_servers");

    private volatile String reply = "Hello from the fake Anthropic upstream.";
    private volatile long inputTokens = 14;
    private volatile long cacheReadTokens;
    private volatile long cacheCreationTokens;
    private volatile String toolName;
    private volatile String toolInput;
    private volatile boolean breakNextStream;

    /** Starts a fake on a free loopback port. */
    public FakeAnthropic() {
    }

    /** Sets the assistant's reply (and ends {@link #replyWithToolUse}); streamed, it arrives one word per delta. */
    public FakeAnthropic reply(String text) {
        this.reply = text;
        this.toolName = null;
        return this;
    }

    /** Sets the usage's input tokens: uncached, read from the prompt cache, written to it. */
    public FakeAnthropic inputTokens(long uncached, long cacheRead, long cacheCreation) {
        this.inputTokens = uncached;
        this.cacheReadTokens = cacheRead;
        this.cacheCreationTokens = cacheCreation;
        return this;
    }

    /** Makes every answer a call of this tool with this JSON input (stop reason {@code tool_use}). */
    public FakeAnthropic replyWithToolUse(String name, String inputJson) {
        this.toolName = name;
        this.toolInput = inputJson;
        return this;
    }

    /** Makes the next stream end after its first text delta, without {@code message_stop}. */
    public FakeAnthropic breakNextStream() {
        this.breakNextStream = true;
        return this;
    }

    @Override
    protected void handle(RecordedRequest request, HttpExchange exchange) throws IOException {
        String path = request.path().replaceFirst("\\?.*$", "");
        if (!path.endsWith("/v1/messages")) {
            sendJson(exchange, 404, error("not_found_error", "Not found"));
            return;
        }
        if (request.header("x-api-key").isEmpty()) {
            sendJson(exchange, 401, error("authentication_error", "x-api-key header is required"));
            return;
        }
        if (request.header("anthropic-version").isEmpty()) {
            sendJson(exchange, 400, error("invalid_request_error", "anthropic-version: header is required"));
            return;
        }
        JsonNode body = JSON.readTree(request.body());
        for (var field : body.properties()) {
            if (!ACCEPTED.contains(field.getKey())) {
                sendJson(exchange, 400, error("invalid_request_error", field.getKey() + ": Extra inputs are not permitted"));
                return;
            }
        }
        if (!body.path("max_tokens").canConvertToLong()) {
            sendJson(exchange, 400, error("invalid_request_error", "max_tokens: Field required"));
            return;
        }
        if (body.path("stream").asBoolean(false)) {
            stream(body, exchange);
        } else {
            sendJson(exchange, 200, JSON.writeValueAsString(message(body)));
        }
    }

    @Override
    protected String badRequestBody() {
        return error("invalid_request_error", "temperature: range: 0..1");
    }

    @Override
    protected String errorBody(int status) {
        return switch (status) {
            case 400 -> error("invalid_request_error", "prompt is too long: 212011 tokens > 200000 maximum");
            case 401 -> error("authentication_error", "invalid x-api-key");
            case 403 -> error("permission_error", "Your API key does not have permission to use the specified resource.");
            case 404 -> error("not_found_error", "model: claude-nonexistent");
            case 429 -> error("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit");
            case 529 -> error("overloaded_error", "Overloaded");
            default -> error("api_error", "Internal server error");
        };
    }

    private static String error(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}";
    }

    private List<String> words() {
        return List.of(reply.split(" "));
    }

    private ObjectNode usage(long outputTokens) {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("input_tokens", inputTokens);
        usage.put("cache_creation_input_tokens", cacheCreationTokens);
        usage.put("cache_read_input_tokens", cacheReadTokens);
        usage.put("output_tokens", outputTokens);
        return usage;
    }

    private ObjectNode message(JsonNode request) throws IOException {
        ObjectNode message = JSON.createObjectNode();
        message.put("id", "msg_fake01");
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", request.path("model").asText());
        ArrayNode content = message.putArray("content");
        if (toolName != null) {
            content.addObject().put("type", "tool_use").put("id", "toolu_fake01").put("name", toolName)
                    .set("input", JSON.readTree(toolInput));
            message.put("stop_reason", "tool_use");
        } else {
            content.addObject().put("type", "text").put("text", reply);
            message.put("stop_reason", "end_turn");
        }
        message.putNull("stop_sequence");
        message.set("usage", usage(toolName != null ? 9 : words().size()));
        return message;
    }

    private void stream(JsonNode request, HttpExchange exchange) throws IOException {
        boolean dieHalfway = breakNextStream;
        breakNextStream = false;
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        ObjectNode start = message(request);
        start.putArray("content");
        start.putNull("stop_reason");
        start.set("usage", usage(1));
        write(out, "message_start", JSON.createObjectNode().put("type", "message_start").set("message", start));
        ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
        if (toolName != null) {
            blockStart.putObject("content_block").put("type", "tool_use").put("id", "toolu_fake01").put("name", toolName)
                    .putObject("input");
            write(out, "content_block_start", blockStart);
            int half = toolInput.length() / 2;
            for (String part : List.of(toolInput.substring(0, half), toolInput.substring(half))) {
                ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
                delta.putObject("delta").put("type", "input_json_delta").put("partial_json", part);
                write(out, "content_block_delta", delta);
            }
        } else {
            blockStart.putObject("content_block").put("type", "text").put("text", "");
            write(out, "content_block_start", blockStart);
            write(out, "ping", JSON.createObjectNode().put("type", "ping"));
            List<String> words = words();
            for (int i = 0; i < words.size(); i++) {
                ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
                delta.putObject("delta").put("type", "text_delta").put("text", i == 0 ? words.get(i) : " " + words.get(i));
                write(out, "content_block_delta", delta);
                if (dieHalfway) {
                    out.close();
                    return;
                }
            }
        }
        write(out, "content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", 0));
        ObjectNode messageDelta = JSON.createObjectNode().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", toolName != null ? "tool_use" : "end_turn").putNull("stop_sequence");
        messageDelta.putObject("usage").put("output_tokens", toolName != null ? 9 : words().size());
        write(out, "message_delta", messageDelta);
        write(out, "message_stop", JSON.createObjectNode().put("type", "message_stop"));
        out.close();
    }

    private static void write(OutputStream out, String event, JsonNode data) throws IOException {
        out.write(("event: " + event + "\ndata: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
