package dev.sluice.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * One event of a streamed answer: the JSON of an OpenAI {@code chat.completion.chunk} (or a
 * streamed {@code text_completion}), sent to the client as one {@code data:} line.
 *
 * @param data the chunk; read-only by contract
 */
public record ChatChunk(ObjectNode data) {

    /** @throws NullPointerException if data is null */
    public ChatChunk {
        Objects.requireNonNull(data, "data");
    }

    /**
     * A chunk of streamed text, as OpenAI sends it.
     *
     * @param context the call (its id names the completion, its deployment the model)
     * @param role    {@code "assistant"} on the first chunk of a stream, else {@code null}
     * @param text    the text this chunk adds
     * @return the chunk
     * @since 1.3.0
     */
    public static ChatChunk text(ProviderContext context, String role, String text) {
        ObjectNode delta = context.json().createObjectNode();
        if (role != null) {
            delta.put("role", role);
        }
        delta.put("content", text);
        return of(context, delta, null);
    }

    /**
     * The chunk that ends the choice, with OpenAI's finish reason.
     *
     * @param finishReason {@code stop}, {@code length}, {@code tool_calls} or {@code content_filter}
     * @return the chunk
     * @since 1.3.0
     */
    public static ChatChunk finish(ProviderContext context, String finishReason) {
        return of(context, context.json().createObjectNode(), finishReason);
    }

    /**
     * The usage chunk that ends a stream (no choices, as OpenAI sends it with
     * {@code stream_options.include_usage}); spend and token limits are taken from it.
     *
     * @return the chunk
     * @since 1.3.0
     */
    public static ChatChunk usage(ProviderContext context, Usage usage) {
        ObjectNode chunk = envelope(context);
        chunk.putArray("choices");
        chunk.set("usage", usage.toOpenAi());
        return new ChatChunk(chunk);
    }

    /**
     * A chunk with any delta (tool calls, reasoning) and finish reason.
     *
     * @param delta        the {@code choices[0].delta} object
     * @param finishReason the finish reason, or {@code null} while the choice goes on
     * @return the chunk
     * @since 1.3.0
     */
    public static ChatChunk of(ProviderContext context, ObjectNode delta, String finishReason) {
        ObjectNode chunk = envelope(context);
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return new ChatChunk(chunk);
    }

    private static ObjectNode envelope(ProviderContext context) {
        return context.json().createObjectNode().put("id", "chatcmpl-" + context.callId())
                .put("object", "chat.completion.chunk").put("created", System.currentTimeMillis() / 1000)
                .put("model", context.deployment().providerModel());
    }

    /** @return the usage this chunk carries (usually only the last one does) */
    public Optional<Usage> usage() {
        return Usage.fromOpenAi(data.get("usage"));
    }
}
