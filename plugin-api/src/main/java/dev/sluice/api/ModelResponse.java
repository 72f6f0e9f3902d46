package dev.sluice.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole (non-streamed) answer in OpenAI's shape: a {@code chat.completion}, a
 * {@code text_completion} or an embedding {@code list}.
 *
 * @param body the response body; read-only by contract
 */
public record ModelResponse(ObjectNode body) implements ModelResult {

    /** @throws NullPointerException if body is null */
    public ModelResponse {
        Objects.requireNonNull(body, "body");
    }

    /**
     * A whole chat answer in OpenAI's {@code chat.completion} shape.
     *
     * @param context      the call (its id names the completion, its deployment the model)
     * @param text         the assistant's message
     * @param finishReason {@code stop}, {@code length}, {@code tool_calls} or {@code content_filter}
     * @param usage        the tokens the vendor counted; spend is computed from them
     * @return the response
     * @since 1.3.0
     */
    public static ModelResponse chat(ProviderContext context, String text, String finishReason, Usage usage) {
        ObjectNode body = context.json().createObjectNode().put("id", "chatcmpl-" + context.callId())
                .put("object", "chat.completion").put("created", System.currentTimeMillis() / 1000)
                .put("model", context.deployment().providerModel());
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", text);
        choice.put("finish_reason", finishReason);
        body.set("usage", usage.toOpenAi());
        return new ModelResponse(body);
    }

    /** @return the usage the body reports, if it reports any */
    public Optional<Usage> usage() {
        return Usage.fromOpenAi(body.get("usage"));
    }
}
