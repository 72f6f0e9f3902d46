package com.acme.sluice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.SseEvent;
import dev.sluice.api.SseReader;
import dev.sluice.api.UpstreamStream;
import java.time.Instant;

/**
 * Acme's SSE stream ({@code delta} events, then {@code done}) as OpenAI chat-completion chunks:
 * one per delta, a last one with the finish reason, and, when the caller asked for
 * {@code stream_options.include_usage}, a usage chunk.
 */
final class AcmeChunks implements ChunkStream {

    private final UpstreamStream upstream;
    private final SseReader events;
    private final ProviderContext context;
    private final boolean includeUsage;
    private final long created = Instant.now().getEpochSecond();
    private ChatChunk usageChunk;
    private boolean done;

    AcmeChunks(UpstreamStream upstream, ProviderContext context, boolean includeUsage) {
        this.upstream = upstream;
        this.events = new SseReader(upstream.body());
        this.context = context;
        this.includeUsage = includeUsage;
    }

    @Override
    public ChatChunk next() {
        if (usageChunk != null) {
            ChatChunk last = usageChunk;
            usageChunk = null;
            return last;
        }
        if (done) {
            return null;
        }
        SseEvent event = events.next();
        if (event == null) {
            done = true;
            close();
            throw GatewayException.of(ErrorKind.UPSTREAM_ERROR, "Acme's stream ended before its done event.");
        }
        JsonNode data = AcmeProvider.read(context.json(), event.data().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return switch (event.event() == null ? "" : event.event()) {
            case "delta" -> chunk(context.json().createObjectNode().put("content", data.path("text").asText()), null);
            case "done" -> {
                done = true;
                close();
                if (includeUsage) {
                    ObjectNode usage = chunkBody(context.json());
                    usage.putArray("choices");
                    usage.set("usage", usage(context.json(), data.path("tokens")));
                    usageChunk = new ChatChunk(usage);
                }
                yield chunk(context.json().createObjectNode(), AcmeProvider.finishReason(data.path("stop").asText()));
            }
            case "error" -> {
                done = true;
                close();
                throw AcmeProvider.error(500, data, java.util.Optional.empty());
            }
            default -> next(); // an event Acme may add later: skip it
        };
    }

    private ChatChunk chunk(ObjectNode delta, String finishReason) {
        ObjectNode body = chunkBody(context.json());
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return new ChatChunk(body);
    }

    private ObjectNode chunkBody(ObjectMapper json) {
        return json.createObjectNode().put("id", "chatcmpl-" + context.callId()).put("object", "chat.completion.chunk")
                .put("created", created).put("model", context.deployment().providerModel());
    }

    /** A whole answer in OpenAI's shape. */
    static ObjectNode completion(ProviderContext context, String text, String finishReason) {
        ObjectNode body = context.json().createObjectNode().put("id", "chatcmpl-" + context.callId())
                .put("object", "chat.completion").put("created", Instant.now().getEpochSecond())
                .put("model", context.deployment().providerModel());
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0).put("finish_reason", finishReason);
        choice.putObject("message").put("role", "assistant").put("content", text);
        return body;
    }

    /** Acme's {@code tokens} as OpenAI's {@code usage}. */
    static ObjectNode usage(ObjectMapper json, JsonNode tokens) {
        long in = tokens.path("in").asLong();
        long out = tokens.path("out").asLong();
        return json.createObjectNode().put("prompt_tokens", in).put("completion_tokens", out).put("total_tokens", in + out);
    }

    @Override
    public void close() {
        upstream.close();
    }
}
