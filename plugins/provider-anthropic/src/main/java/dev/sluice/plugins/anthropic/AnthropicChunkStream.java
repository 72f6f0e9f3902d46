package dev.sluice.plugins.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.SseEvent;
import dev.sluice.api.SseReader;
import dev.sluice.api.UpstreamStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import dev.sluice.plugins.kit.VendorCalls;
import dev.sluice.plugins.kit.VendorChunks;

/**
 * Anthropic's streamed message, passed on as OpenAI {@code chat.completion.chunk}s as its events
 * arrive: {@code message_start} gives the first chunk (the assistant role), text and thinking
 * deltas become content and {@code reasoning_content} deltas, a {@code tool_use} block becomes a
 * tool call whose arguments arrive as {@code input_json_delta}s (or, for a
 * {@code response_format} call, content), {@code message_delta} the finish reason, and
 * {@code message_stop} a last chunk with the usage of the whole message. A stream that ends
 * before {@code message_stop} is an error.
 */
final class AnthropicChunkStream implements ChunkStream {

    private final UpstreamStream upstream;
    private final SseReader events;
    private final ObjectMapper json;
    private final boolean jsonAnswer;
    private String id = "";
    private String model = "";
    private JsonNode startUsage;
    private ObjectNode usage;
    private int toolIndex = -1;
    private boolean jsonBlock;
    private boolean answeredWithJson;
    private boolean finished;
    private boolean complete;
    private boolean closed;

    AnthropicChunkStream(UpstreamStream upstream, ObjectMapper json, boolean jsonAnswer) {
        this.upstream = upstream;
        this.events = new SseReader(upstream.body());
        this.json = json;
        this.jsonAnswer = jsonAnswer;
    }

    @Override
    public ChatChunk next() {
        if (finished) {
            return null;
        }
        try {
            for (SseEvent event = events.next(); event != null; event = events.next()) {
                ChatChunk chunk = translate(json.readTree(event.data()));
                if (chunk != null || finished) {
                    return chunk;
                }
            }
            close();
            throw GatewayException.of(ErrorKind.UPSTREAM_UNAVAILABLE, "anthropic ended the stream before it was complete.");
        } catch (GatewayException e) {
            close();
            throw e;
        } catch (UncheckedIOException e) {
            close();
            throw VendorCalls.streamFailure("anthropic", e.getCause());
        } catch (IOException e) {
            close();
            throw GatewayException.of(ErrorKind.UPSTREAM_ERROR, "anthropic sent a stream event that is not valid JSON.");
        }
    }

    private ChatChunk translate(JsonNode event) {
        switch (event.path("type").asText()) {
            case "message_start" -> {
                JsonNode message = event.path("message");
                id = message.path("id").asText();
                model = message.path("model").asText();
                startUsage = message.path("usage");
                ObjectNode chunk = chunk();
                delta(chunk).put("role", "assistant").put("content", "");
                return new ChatChunk(chunk);
            }
            case "content_block_start" -> {
                JsonNode block = event.path("content_block");
                if (!block.path("type").asText().equals("tool_use")) {
                    return null;
                }
                if (jsonAnswer && AnthropicRequests.JSON_TOOL.equals(block.path("name").asText())) {
                    jsonBlock = true;
                    answeredWithJson = true;
                    return null;
                }
                jsonBlock = false;
                ObjectNode chunk = chunk();
                ObjectNode call = delta(chunk).putArray("tool_calls").addObject().put("index", ++toolIndex)
                        .put("id", block.path("id").asText()).put("type", "function");
                call.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
                return new ChatChunk(chunk);
            }
            case "content_block_delta" -> {
                return delta(event.path("delta"));
            }
            case "message_delta" -> {
                usage = mergedUsage(event.path("usage"));
                ObjectNode chunk = chunk();
                delta(chunk);
                String reason = answeredWithJson ? "stop"
                        : AnthropicResponses.finishReason(event.path("delta").path("stop_reason").asText(""));
                ((ObjectNode) chunk.path("choices").get(0)).put("finish_reason", reason);
                return new ChatChunk(chunk);
            }
            case "message_stop" -> {
                finished = true;
                complete = true;
                ObjectNode chunk = chunk();
                chunk.putArray("choices");
                chunk.set("usage", AnthropicResponses.usage(usage != null ? usage : mergedUsage(json.missingNode()))
                        .toOpenAi());
                return new ChatChunk(chunk);
            }
            case "error" -> throw AnthropicErrors.midStream(event);
            default -> {
                return null; // ping, content_block_stop, and event types added later
            }
        }
    }

    private ChatChunk delta(JsonNode delta) {
        ObjectNode chunk = chunk();
        switch (delta.path("type").asText()) {
            case "text_delta" -> delta(chunk).put("content", delta.path("text").asText());
            case "thinking_delta" -> delta(chunk).put("reasoning_content", delta.path("thinking").asText());
            case "input_json_delta" -> {
                if (jsonBlock) {
                    delta(chunk).put("content", delta.path("partial_json").asText());
                } else {
                    delta(chunk).putArray("tool_calls").addObject().put("index", toolIndex)
                            .putObject("function").put("arguments", delta.path("partial_json").asText());
                }
            }
            default -> {
                return null; // signatures, citations: nothing OpenAI's chunk can carry
            }
        }
        return new ChatChunk(chunk);
    }

    /** {@code message_delta}'s usage is cumulative, but may leave out what {@code message_start} gave. */
    private ObjectNode mergedUsage(JsonNode latest) {
        ObjectNode merged = startUsage != null && startUsage.isObject() ? ((ObjectNode) startUsage).deepCopy()
                : json.createObjectNode();
        latest.properties().forEach(field -> {
            if (!field.getValue().isNull()) {
                merged.set(field.getKey(), field.getValue());
            }
        });
        return merged;
    }

    private ObjectNode chunk() {
        ObjectNode chunk = VendorChunks.envelope(json, id, model);
        chunk.putArray("choices").addObject().put("index", 0).putNull("finish_reason");
        return chunk;
    }

    private static ObjectNode delta(ObjectNode chunk) {
        ObjectNode choice = (ObjectNode) chunk.path("choices").get(0);
        return choice.has("delta") ? (ObjectNode) choice.get("delta") : choice.putObject("delta");
    }

    /** Reads what is left after {@code message_stop}, so the connection can go back to the pool. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        finished = true;
        VendorChunks.close(upstream, complete);
    }
}
