package dev.sluice.core.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ModelRequest;

/**
 * The size of a request's prompt, measured without a tokenizer: its characters (messages, tools,
 * or the prompt or input), plus a few per message for the roles and separators.
 */
public final class PromptSize {

    /** English text runs about four characters to a token in the vendors' tokenizers. */
    private static final int CHARACTERS_PER_TOKEN = 4;

    private PromptSize() {
    }

    /**
     * @return a bound no prompt's token count exceeds: a token is at least one character
     */
    public static long tokensBound(ModelRequest request) {
        if (request instanceof ChatRequest chat) {
            long bound = 0;
            for (JsonNode message : chat.messages()) {
                bound += 8 + characters(message);
            }
            return bound + characters(chat.body().path("tools"));
        }
        return characters(request.body().path(request.operation() == ModelRequest.Operation.EMBEDDING ? "input" : "prompt"));
    }

    /** @return the likely token count, for checks that should not refuse a prompt that fits */
    public static long estimatedTokens(ModelRequest request) {
        return (tokensBound(request) + CHARACTERS_PER_TOKEN - 1) / CHARACTERS_PER_TOKEN;
    }

    private static long characters(JsonNode node) {
        if (node.isTextual()) {
            return node.asText().length();
        }
        long total = 0;
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                total += characters(child);
            }
            if (node.isObject()) {
                total += node.size();
            }
        }
        return total;
    }
}
