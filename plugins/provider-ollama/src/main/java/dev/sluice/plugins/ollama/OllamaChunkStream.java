package dev.sluice.plugins.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.LineReader;
import dev.sluice.api.UpstreamStream;
import dev.sluice.plugins.kit.VendorCalls;
import dev.sluice.plugins.kit.VendorChunks;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Ollama's streamed chat, one JSON object per line, passed on as OpenAI chunks as the lines
 * arrive: content and thinking as deltas, tool calls whole (Ollama sends each call complete), and
 * for the last line ({@code done: true}) a chunk with the finish reason, then one with the usage.
 * A stream that ends without its last line, or with an {@code error} line, is an error.
 */
final class OllamaChunkStream implements ChunkStream {

    private final UpstreamStream upstream;
    private final LineReader lines;
    private final ObjectMapper json;
    private final String id = "chatcmpl-" + java.util.UUID.randomUUID();
    private ObjectNode pendingUsage;
    private boolean calledTools;
    private int toolIndex;
    private boolean started;
    private boolean finished;
    private boolean closed;

    OllamaChunkStream(UpstreamStream upstream, ObjectMapper json) {
        this.upstream = upstream;
        this.lines = new LineReader(upstream.body());
        this.json = json;
    }

    @Override
    public ChatChunk next() {
        if (pendingUsage != null) {
            ObjectNode usage = pendingUsage;
            pendingUsage = null;
            finished = true;
            return new ChatChunk(usage);
        }
        if (finished) {
            return null;
        }
        try {
            for (String line = lines.next(); line != null; line = lines.next()) {
                JsonNode answer = json.readTree(line);
                if (answer.has("error")) {
                    throw GatewayException.of(ErrorKind.UPSTREAM_ERROR, "ollama error mid-stream: "
                            + answer.path("error").asText());
                }
                return translate(answer);
            }
            close();
            throw GatewayException.of(ErrorKind.UPSTREAM_UNAVAILABLE, "ollama ended the stream before it was complete.");
        } catch (GatewayException e) {
            close();
            throw e;
        } catch (UncheckedIOException e) {
            close();
            throw VendorCalls.streamFailure("ollama", e.getCause());
        } catch (IOException e) {
            close();
            throw VendorCalls.streamFailure("ollama", e);
        }
    }

    private ChatChunk translate(JsonNode answer) {
        ObjectNode chunk = chunk(answer);
        ObjectNode choice = (ObjectNode) chunk.path("choices").get(0);
        ObjectNode delta = choice.putObject("delta");
        if (!started) {
            started = true;
            delta.put("role", "assistant");
        }
        JsonNode message = answer.path("message");
        delta.put("content", message.path("content").asText(""));
        if (!message.path("thinking").asText("").isEmpty()) {
            delta.put("reasoning_content", message.path("thinking").asText());
        }
        if (message.path("tool_calls").isArray() && !message.path("tool_calls").isEmpty()) {
            ArrayNode calls = OllamaResponses.toolCalls(message.path("tool_calls"), json);
            for (JsonNode call : calls) {
                ((ObjectNode) call).put("index", toolIndex++);
            }
            delta.set("tool_calls", calls);
            calledTools = true;
        }
        if (answer.path("done").asBoolean(false)) {
            choice.put("finish_reason", OllamaResponses.finishReason(answer, calledTools));
            ObjectNode usage = chunk(answer);
            usage.putArray("choices");
            usage.set("usage", OllamaResponses.usage(answer).toOpenAi());
            pendingUsage = usage;
        } else {
            choice.putNull("finish_reason");
        }
        return new ChatChunk(chunk);
    }

    private ObjectNode chunk(JsonNode answer) {
        ObjectNode chunk = VendorChunks.envelope(json, id, answer.path("model").asText());
        chunk.putArray("choices").addObject().put("index", 0);
        return chunk;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            finished = true;
            upstream.close();
        }
    }
}
