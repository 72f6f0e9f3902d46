package dev.sluice.plugins.gemini;

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
import java.util.UUID;

/**
 * Gemini's {@code streamGenerateContent?alt=sse}: each event a partial
 * {@code GenerateContentResponse}, passed on as an OpenAI chunk as it arrives (text and thought
 * deltas, function calls whole); the event with a {@code finishReason} gives the finish chunk,
 * and the end of the stream a last chunk with the final {@code usageMetadata}. A stream that ends
 * without a finish reason is an error.
 */
final class GeminiChunkStream implements ChunkStream {

    private final UpstreamStream upstream;
    private final SseReader events;
    private final ObjectMapper json;
    private final String id = "chatcmpl-" + UUID.randomUUID();
    private JsonNode usage;
    private String model = "";
    private boolean started;
    private boolean sawFinish;
    private boolean calledTools;
    private int toolIndex;
    private boolean finished;
    private boolean closed;

    GeminiChunkStream(UpstreamStream upstream, ObjectMapper json) {
        this.upstream = upstream;
        this.events = new SseReader(upstream.body());
        this.json = json;
    }

    @Override
    public ChatChunk next() {
        if (finished) {
            return null;
        }
        try {
            for (SseEvent event = events.next(); event != null; event = events.next()) {
                JsonNode answer = json.readTree(event.data());
                if (answer.has("error")) {
                    JsonNode error = answer.path("error");
                    throw GeminiResponses.error(error.path("code").asInt(500), json.writeValueAsBytes(answer),
                            name -> java.util.Optional.empty(), json);
                }
                GeminiResponses.refuseBlocked(answer);
                return translate(answer);
            }
            if (!sawFinish) {
                throw GatewayException.of(ErrorKind.UPSTREAM_UNAVAILABLE, "gemini ended the stream before it was complete.");
            }
            finished = true;
            ObjectNode last = chunk();
            last.putArray("choices");
            last.set("usage", GeminiResponses.usage(usage != null ? usage : json.missingNode()).toOpenAi());
            return new ChatChunk(last);
        } catch (GatewayException e) {
            close();
            throw e;
        } catch (UncheckedIOException e) {
            close();
            throw VendorCalls.streamFailure("gemini", e.getCause());
        } catch (IOException e) {
            close();
            throw GatewayException.of(ErrorKind.UPSTREAM_ERROR, "gemini sent a stream event that is not valid JSON.");
        }
    }

    private ChatChunk translate(JsonNode answer) {
        if (answer.has("usageMetadata")) {
            usage = answer.get("usageMetadata");
        }
        model = answer.path("modelVersion").asText(model);
        ObjectNode chunk = chunk();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (!started) {
            started = true;
            delta.put("role", "assistant");
        }
        JsonNode candidate = answer.path("candidates").path(0);
        GeminiResponses.Parts parts = GeminiResponses.Parts.of(candidate, toolIndex, json);
        delta.put("content", parts.text());
        if (!parts.thoughts().isEmpty()) {
            delta.put("reasoning_content", parts.thoughts());
        }
        if (!parts.calls().isEmpty()) {
            delta.set("tool_calls", parts.calls());
            toolIndex += parts.calls().size();
            calledTools = true;
        }
        String reason = candidate.path("finishReason").asText("");
        if (reason.isEmpty()) {
            choice.putNull("finish_reason");
        } else {
            sawFinish = true;
            choice.put("finish_reason", GeminiResponses.finishReason(reason, calledTools));
        }
        return new ChatChunk(chunk);
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
