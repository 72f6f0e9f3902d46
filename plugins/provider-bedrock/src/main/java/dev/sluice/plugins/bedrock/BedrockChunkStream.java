package dev.sluice.plugins.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.UpstreamStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import dev.sluice.plugins.kit.VendorCalls;
import dev.sluice.plugins.kit.VendorChunks;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;
import software.amazon.eventstream.MessageDecoder;

/**
 * Bedrock's ConverseStream, {@code application/vnd.amazon.eventstream} frames decoded by AWS's
 * event-stream library, passed on as OpenAI chunks as they arrive: {@code messageStart} the
 * assistant role, {@code contentBlockStart} a tool call, {@code contentBlockDelta} text,
 * reasoning or tool input, {@code messageStop} the finish reason, {@code metadata} the usage
 * chunk. An exception frame, or an end before {@code metadata}, is an error.
 */
final class BedrockChunkStream implements ChunkStream {

    private final UpstreamStream upstream;
    private final InputStream body;
    private final ObjectMapper json;
    private final String model;
    private final String id = "chatcmpl-" + UUID.randomUUID();
    private final MessageDecoder decoder = new MessageDecoder();
    private final Deque<Message> pending = new ArrayDeque<>();
    private final byte[] buffer = new byte[8192];
    private final boolean jsonAnswer;
    private boolean jsonBlock;
    private int toolIndex = -1;
    private boolean finished;
    private boolean closed;

    BedrockChunkStream(UpstreamStream upstream, ObjectMapper json, String model, boolean jsonAnswer) {
        this.jsonAnswer = jsonAnswer;
        this.upstream = upstream;
        this.body = upstream.body();
        this.json = json;
        this.model = model;
    }

    @Override
    public ChatChunk next() {
        try {
            while (!finished) {
                Message message = nextMessage();
                if (message == null) {
                    throw GatewayException.of(ErrorKind.UPSTREAM_UNAVAILABLE, "bedrock ended the stream before it was complete.");
                }
                ChatChunk chunk = translate(message);
                if (chunk != null) {
                    return chunk;
                }
            }
            return null;
        } catch (GatewayException e) {
            close();
            throw e;
        } catch (UncheckedIOException e) {
            close();
            throw VendorCalls.streamFailure("bedrock", e.getCause());
        } catch (IOException e) {
            close();
            throw VendorCalls.streamFailure("bedrock", e);
        } catch (IllegalStateException e) {
            close(); // the event-stream decoder found a frame with a bad checksum
            throw new GatewayException(ErrorKind.UPSTREAM_ERROR, 502, "bedrock sent a corrupt event-stream frame.",
                    null, null, null, e);
        }
    }

    private Message nextMessage() throws IOException {
        while (pending.isEmpty()) {
            int read = body.read(buffer);
            if (read < 0) {
                return null;
            }
            decoder.feed(buffer, 0, read);
            pending.addAll(decoder.getDecodedMessages());
        }
        return pending.removeFirst();
    }

    private ChatChunk translate(Message message) throws IOException {
        String messageType = header(message, ":message-type");
        JsonNode payload = json.readTree(message.getPayload());
        if (!messageType.equals("event")) {
            throw BedrockResponses.streamException(header(message, ":exception-type"),
                    payload.path("message").asText(header(message, ":error-message")));
        }
        ObjectNode chunk = chunk();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        choice.putNull("finish_reason");
        switch (header(message, ":event-type")) {
            case "messageStart" -> delta.put("role", "assistant").put("content", "");
            case "contentBlockStart" -> {
                JsonNode use = payload.path("start").path("toolUse");
                if (use.isMissingNode()) {
                    return null;
                }
                jsonBlock = jsonAnswer && BedrockRequests.JSON_TOOL.equals(use.path("name").asText());
                if (jsonBlock) {
                    return null; // the JSON answer's input arrives as content
                }
                ObjectNode call = delta.putArray("tool_calls").addObject().put("index", ++toolIndex)
                        .put("id", use.path("toolUseId").asText()).put("type", "function");
                call.putObject("function").put("name", use.path("name").asText()).put("arguments", "");
            }
            case "contentBlockDelta" -> {
                JsonNode change = payload.path("delta");
                if (change.has("text")) {
                    delta.put("content", change.path("text").asText());
                } else if (change.has("toolUse") && jsonBlock) {
                    delta.put("content", change.path("toolUse").path("input").asText(""));
                } else if (change.has("toolUse")) {
                    delta.putArray("tool_calls").addObject().put("index", toolIndex).putObject("function")
                            .put("arguments", change.path("toolUse").path("input").asText(""));
                } else if (change.has("reasoningContent")) {
                    delta.put("reasoning_content", change.path("reasoningContent").path("text").asText(""));
                } else {
                    return null;
                }
            }
            case "messageStop" -> choice.put("finish_reason", jsonBlock && toolIndex < 0 ? "stop"
                    : BedrockResponses.finishReason(payload.path("stopReason").asText("")));
            case "metadata" -> {
                finished = true;
                ObjectNode usage = chunk();
                usage.putArray("choices");
                usage.set("usage", BedrockResponses.usage(payload.path("usage")).toOpenAi());
                return new ChatChunk(usage);
            }
            default -> {
                return null; // contentBlockStop and event types added later
            }
        }
        return new ChatChunk(chunk);
    }

    private static String header(Message message, String name) {
        HeaderValue value = message.getHeaders().get(name);
        return value == null ? "" : value.getString();
    }

    private ObjectNode chunk() {
        return VendorChunks.envelope(json, id, model);
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
