package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@code /chat/completions} request in OpenAI's shape: {@code model}, {@code messages} and any
 * other parameters (tools, response_format, n, stop, seed, logprobs, stream_options, user, and
 * vendor extras, which are kept as sent).
 *
 * @param body the request body; must name a model and carry a non-empty {@code messages} array
 */
public record ChatRequest(ObjectNode body) implements ModelRequest {

    /** Validates the body. @throws GatewayException 400 naming the missing or invalid parameter */
    public ChatRequest {
        RequestBodies.requireModel(body);
        RequestBodies.requirePresent(body, "messages", "Pass a non-empty array of chat messages.");
        JsonNode messages = body.get("messages");
        if (!messages.isArray()) {
            throw GatewayException.badRequest("'messages' must be an array of chat messages.", "messages");
        }
        for (JsonNode message : messages) {
            if (!message.isObject() || !message.path("role").isTextual()) {
                throw GatewayException.badRequest(
                        "Every entry of 'messages' must be an object with a 'role'.", "messages");
            }
        }
    }

    /** @return the {@code messages} array */
    public ArrayNode messages() {
        return (ArrayNode) body.get("messages");
    }

    /**
     * Whether a streamed answer should end with a usage chunk ({@code stream_options.include_usage}).
     * The gateway sets it on every stream it hands a plugin, whatever the caller asked, and hides
     * the usage chunk from callers who did not ask for it: spend and token limits are taken from
     * it. A stream that ends without one (or is cut) is charged by counting its delivered text with
     * OpenAI's tokenizer, which for other vendors' models is an estimate; so send the vendor's own
     * usage whenever it reports one.
     *
     * @return whether the usage chunk was asked for
     */
    public boolean includeUsage() {
        return body.path("stream_options").path("include_usage").asBoolean(false);
    }

    @Override
    public ChatRequest withBody(ObjectNode body) {
        return new ChatRequest(body);
    }

    @Override
    public Operation operation() {
        return Operation.CHAT;
    }
}
