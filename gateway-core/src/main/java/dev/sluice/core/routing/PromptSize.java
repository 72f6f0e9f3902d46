package dev.sluice.core.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ModelRequest;
import dev.sluice.core.tokens.Tokens;

/**
 * The size of a request's prompt in tokens, counted the way OpenAI documents for chat: the text
 * of every message's fields, 3 tokens per message and 3 to prime the answer; tools as their JSON.
 * An image counts as the most one can cost at high detail.
 */
public final class PromptSize {

    /** OpenAI's cost of the largest image at high detail: 8 tiles of 170 and 85 base tokens. */
    static final int IMAGE_TOKENS = 8 * 170 + 85;
    private static final int PER_MESSAGE = 3;
    private static final int PRIMING = 3;

    private PromptSize() {
    }

    /** @return the prompt's tokens */
    public static long tokens(ModelRequest request) {
        if (request instanceof ChatRequest chat) {
            long tokens = PRIMING;
            for (JsonNode message : chat.messages()) {
                tokens += PER_MESSAGE + text(message);
            }
            JsonNode tools = chat.body().path("tools");
            return tokens + (tools.isMissingNode() || tools.isNull() ? 0 : Tokens.count(tools.toString()));
        }
        if (request.operation() == ModelRequest.Operation.RESPONSES) {
            JsonNode body = request.body();
            return PRIMING + text(body.path("instructions")) + text(body.path("input")) + text(body.path("tools"));
        }
        return text(request.body().path(request.operation() == ModelRequest.Operation.EMBEDDING ? "input" : "prompt"));
    }

    private static long text(JsonNode node) {
        if (node.isTextual()) {
            return Tokens.count(node.asText());
        }
        if (node.isObject() && (node.has("image_url") || "image_url".equals(node.path("type").asText()))) {
            return IMAGE_TOKENS;
        }
        long total = 0;
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                total += text(child);
            }
        } else if (node.isNumber() || node.isBoolean()) {
            total += Tokens.count(node.asText());
        }
        return total;
    }
}
