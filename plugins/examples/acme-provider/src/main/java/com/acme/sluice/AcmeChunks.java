package com.acme.sluice;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.SseEvent;
import dev.sluice.api.SseReader;
import dev.sluice.api.UpstreamStream;
import dev.sluice.api.Usage;

/**
 * Acme's SSE stream ({@code delta} events, then {@code done}) as OpenAI chat-completion chunks
 * (built with the API's {@link ChatChunk} factories): one per delta, a last one with the finish
 * reason, and the usage chunk, which the gateway asks for on every stream.
 */
final class AcmeChunks implements ChunkStream {

    private final UpstreamStream upstream;
    private final SseReader events;
    private final ProviderContext context;
    private final boolean includeUsage;
    private boolean started;
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
            case "delta" -> {
                String role = started ? null : "assistant";
                started = true;
                yield ChatChunk.text(context, role, data.path("text").asText());
            }
            case "done" -> {
                done = true;
                close();
                if (includeUsage) {
                    usageChunk = ChatChunk.usage(context, usage(data.path("tokens")));
                }
                yield ChatChunk.finish(context, AcmeProvider.finishReason(data.path("stop").asText()));
            }
            case "error" -> {
                done = true;
                close();
                throw AcmeProvider.error(500, data, java.util.Optional.empty());
            }
            default -> next(); // an event Acme may add later: skip it
        };
    }

    /** Acme's {@code tokens} as the gateway's usage. */
    static Usage usage(JsonNode tokens) {
        return new Usage(tokens.path("in").asLong(), tokens.path("out").asLong(), 0, 0);
    }

    @Override
    public void close() {
        upstream.close();
    }
}
