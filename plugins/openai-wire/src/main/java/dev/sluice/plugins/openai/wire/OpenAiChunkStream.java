package dev.sluice.plugins.openai.wire;

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
 * An OpenAI SSE stream ({@code data: {chunk}} events ending in {@code data: [DONE]}), passed on
 * chunk by chunk as it arrives.
 */
public final class OpenAiChunkStream implements ChunkStream {

    private final String provider;
    private final UpstreamStream upstream;
    private final SseReader events;
    private final ObjectMapper json;
    private boolean finished;
    private boolean complete;
    private boolean closed;
    private boolean sawFinishReason;

    public OpenAiChunkStream(String provider, UpstreamStream upstream, ObjectMapper json) {
        this.provider = provider;
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
            SseEvent event = events.next();
            if (event == null) {
                close();
                if (!sawFinishReason) {
                    throw GatewayException.of(ErrorKind.UPSTREAM_UNAVAILABLE,
                            provider + " ended the stream before it was complete.");
                }
                return null;
            }
            if (event.data().equals("[DONE]")) {
                finished = true;
                complete = true;
                return null;
            }
            JsonNode data = json.readTree(event.data());
            if (data.has("error")) {
                close();
                throw GatewayException.of(ErrorKind.UPSTREAM_ERROR,
                        provider + " error mid-stream: " + data.path("error").path("message").asText("unknown"));
            }
            if (!data.isObject()) {
                close();
                throw GatewayException.of(ErrorKind.UPSTREAM_ERROR, provider + " sent a stream event that is not a JSON object.");
            }
            if (!data.path("choices").path(0).path("finish_reason").isMissingNode()
                    && !data.path("choices").path(0).path("finish_reason").isNull()) {
                sawFinishReason = true;
            }
            return new ChatChunk((ObjectNode) data);
        } catch (GatewayException e) {
            close();
            throw e;
        } catch (UncheckedIOException e) {
            close();
            throw VendorCalls.streamFailure(provider, e.getCause());
        } catch (IOException e) {
            close();
            throw GatewayException.of(ErrorKind.UPSTREAM_ERROR, provider + " sent a stream event that is not valid JSON.");
        }
    }

    /**
     * After {@code [DONE]}, reads what is left of the body (normally just the end of the chunked
     * encoding, already arrived) so the transport can put the connection back in its pool; the
     * gateway closes a stream after its client has the whole answer, so this delays no one.
     * A stream closed early aborts the connection, which cancels the upstream call.
     */
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
