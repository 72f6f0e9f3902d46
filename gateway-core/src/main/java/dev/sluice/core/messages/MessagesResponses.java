package dev.sluice.core.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Usage;
import java.io.IOException;

/**
 * Writes the gateway's OpenAI-shaped answers in the Messages API's shapes: a completion as a
 * {@code message} (thinking, text and {@code tool_use} blocks, the stop reason, usage with cache
 * reads apart from {@code input_tokens}, as Anthropic counts them), and errors as
 * {@code {"type":"error","error":{"type","message"}}}.
 */
public final class MessagesResponses {

    private MessagesResponses() {
    }

    /** @return the completion as a Messages API {@code message} */
    public static ObjectNode message(ObjectNode completion, ObjectMapper json) {
        ObjectNode message = json.createObjectNode();
        message.put("id", messageId(completion.path("id").asText()));
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", completion.path("model").asText());
        ArrayNode content = message.putArray("content");
        JsonNode choice = completion.path("choices").path(0);
        JsonNode reply = choice.path("message");
        if (!reply.path("reasoning_content").asText("").isEmpty()) {
            content.addObject().put("type", "thinking").put("thinking", reply.path("reasoning_content").asText())
                    .put("signature", "");
        }
        if (!reply.path("content").asText("").isEmpty()) {
            content.addObject().put("type", "text").put("text", reply.path("content").asText());
        }
        for (JsonNode call : reply.path("tool_calls")) {
            content.addObject().put("type", "tool_use").put("id", call.path("id").asText())
                    .put("name", call.path("function").path("name").asText())
                    .set("input", input(call.path("function").path("arguments").asText("{}"), json));
        }
        message.put("stop_reason", stopReason(choice.path("finish_reason").asText("stop")));
        message.putNull("stop_sequence");
        message.set("usage", usage(Usage.fromOpenAi(completion.get("usage")).orElse(Usage.ZERO), json));
        return message;
    }

    static String messageId(String openAiId) {
        return openAiId.startsWith("msg_") ? openAiId : "msg_" + openAiId.replace("chatcmpl-", "");
    }

    static JsonNode input(String arguments, ObjectMapper json) {
        try {
            JsonNode parsed = json.readTree(arguments.isBlank() ? "{}" : arguments);
            return parsed != null && parsed.isObject() ? parsed : json.createObjectNode();
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    /** @return Anthropic's stop reason for OpenAI's finish reason */
    static String stopReason(String finishReason) {
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    /** @return usage in Anthropic's terms: {@code input_tokens} leave out the tokens read from cache */
    static ObjectNode usage(Usage usage, ObjectMapper json) {
        return json.createObjectNode()
                .put("input_tokens", Math.max(0, usage.promptTokens() - usage.cachedPromptTokens()
                        - usage.cacheWriteTokens()))
                .put("cache_read_input_tokens", usage.cachedPromptTokens())
                .put("cache_creation_input_tokens", usage.cacheWriteTokens())
                .put("output_tokens", usage.completionTokens());
    }

    /** @return an error in the Messages API's shape */
    public static ObjectNode error(GatewayException error, ObjectMapper json) {
        ObjectNode body = json.createObjectNode().put("type", "error");
        body.putObject("error").put("type", errorType(error)).put("message", error.getMessage());
        return body;
    }

    private static String errorType(GatewayException error) {
        if (error.kind() == ErrorKind.UPSTREAM_UNAVAILABLE) {
            return "overloaded_error";
        }
        return switch (error.status()) {
            case 400, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402, 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            default -> "api_error";
        };
    }
}
