package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * Token usage of one model call, as spend is computed from it. Provider adapters fill it from
 * the vendor's own usage fields and write it into the OpenAI-shaped {@code usage} object.
 *
 * @param promptTokens       input tokens, cached ones included
 * @param completionTokens   output tokens, reasoning ones included
 * @param cachedPromptTokens input tokens served from the vendor's prompt cache
 * @param reasoningTokens    output tokens spent on reasoning
 * @param cacheWriteTokens   input tokens written to the vendor's prompt cache (Anthropic and Bedrock
 *                           charge them above the input price), included in {@code promptTokens}
 *                           (since 1.2.0)
 */
public record Usage(long promptTokens, long completionTokens, long cachedPromptTokens, long reasoningTokens,
                    long cacheWriteTokens) {

    /** No tokens. */
    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0);

    /** Rejects negative counts. */
    public Usage {
        if (promptTokens < 0 || completionTokens < 0 || cachedPromptTokens < 0 || reasoningTokens < 0
                || cacheWriteTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative");
        }
    }

    /** Usage with no cache writes: the 1.0 form. */
    public Usage(long promptTokens, long completionTokens, long cachedPromptTokens, long reasoningTokens) {
        this(promptTokens, completionTokens, cachedPromptTokens, reasoningTokens, 0);
    }

    /** @return prompt plus completion tokens */
    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    /**
     * Reads OpenAI's {@code usage} object ({@code prompt_tokens}, {@code completion_tokens},
     * {@code prompt_tokens_details.cached_tokens}, {@code completion_tokens_details.reasoning_tokens},
     * and LiteLLM's {@code cache_creation_input_tokens}).
     *
     * @param usage the {@code usage} node, possibly missing or null
     * @return the usage, or empty when the node carries none
     */
    public static Optional<Usage> fromOpenAi(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return Optional.empty();
        }
        return Optional.of(new Usage(
                usage.path("prompt_tokens").asLong(0),
                usage.path("completion_tokens").asLong(0),
                usage.path("prompt_tokens_details").path("cached_tokens").asLong(0),
                usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0),
                usage.path("cache_creation_input_tokens").asLong(0)));
    }

    /** @return this usage as OpenAI's {@code usage} object */
    public ObjectNode toOpenAi() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("prompt_tokens", promptTokens);
        node.put("completion_tokens", completionTokens);
        node.put("total_tokens", totalTokens());
        if (cachedPromptTokens > 0) {
            node.putObject("prompt_tokens_details").put("cached_tokens", cachedPromptTokens);
        }
        if (reasoningTokens > 0) {
            node.putObject("completion_tokens_details").put("reasoning_tokens", reasoningTokens);
        }
        if (cacheWriteTokens > 0) {
            node.put("cache_creation_input_tokens", cacheWriteTokens);
        }
        return node;
    }
}
