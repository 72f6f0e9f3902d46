package dev.sluice.plugins.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.RetryAfter;
import dev.sluice.api.Usage;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import dev.sluice.plugins.kit.VendorCalls;

/**
 * Turns Bedrock's Converse answers into OpenAI's shapes ({@code output.message} content blocks:
 * text, {@code toolUse}, {@code reasoningContent}; {@code stopReason}; {@code usage} with cache
 * reads and writes counted as input) and its errors ({@code {"message"}} with the
 * {@code x-amzn-ErrorType} header, or an event-stream exception) into the canonical kinds.
 */
final class BedrockResponses {

    private BedrockResponses() {
    }

    static ObjectNode completion(JsonNode answer, String model, boolean jsonAnswer, ObjectMapper json) {
        ObjectNode completion = json.createObjectNode();
        completion.put("id", "chatcmpl-" + UUID.randomUUID());
        completion.put("object", "chat.completion");
        completion.put("created", System.currentTimeMillis() / 1000);
        completion.put("model", model);
        ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        ArrayNode calls = json.createArrayNode();
        for (JsonNode block : answer.path("output").path("message").path("content")) {
            if (block.has("text")) {
                text.append(block.path("text").asText());
            } else if (block.has("toolUse") && jsonAnswer
                    && BedrockRequests.JSON_TOOL.equals(block.path("toolUse").path("name").asText())) {
                text.append(block.path("toolUse").path("input").toString());
            } else if (block.has("toolUse")) {
                JsonNode use = block.path("toolUse");
                ObjectNode call = calls.addObject().put("id", use.path("toolUseId").asText()).put("type", "function");
                call.putObject("function").put("name", use.path("name").asText()).put("arguments", use.path("input").toString());
            } else if (block.has("reasoningContent")) {
                reasoning.append(block.path("reasoningContent").path("reasoningText").path("text").asText(""));
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text.toString());
        }
        if (!reasoning.isEmpty()) {
            message.put("reasoning_content", reasoning.toString());
        }
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
        choice.put("finish_reason", calls.isEmpty() && jsonAnswer ? "stop" : finishReason(answer.path("stopReason").asText("")));
        completion.set("usage", usage(answer.path("usage")).toOpenAi());
        return completion;
    }

    static String finishReason(String stopReason) {
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            default -> "stop";
        };
    }

    /** @return the usage, cache reads and writes counted as input (Bedrock's inputTokens leave them out) */
    static Usage usage(JsonNode usage) {
        long cacheRead = usage.path("cacheReadInputTokens").asLong(0);
        long cacheWrite = usage.path("cacheWriteInputTokens").asLong(0);
        return new Usage(usage.path("inputTokens").asLong(0) + cacheRead + cacheWrite,
                usage.path("outputTokens").asLong(0), cacheRead, 0, cacheWrite);
    }

    static GatewayException error(int status, byte[] body, Function<String, Optional<String>> header, ObjectMapper json) {
        String message = VendorCalls.errorJson(body, json).path("message").asText("");
        String type = header.apply("x-amzn-ErrorType").map(value -> value.replaceFirst(":.*$", "")).orElse("");
        return of(status, type, message.isBlank() ? "HTTP " + status : message,
                RetryAfter.parse(Optional.empty(), header.apply("retry-after"), Instant.now()).orElse(null));
    }

    /** @return the error an exception event of a stream carries */
    static GatewayException streamException(String exceptionType, String message) {
        int status = switch (exceptionType) {
            case "throttlingException" -> 429;
            case "validationException" -> 400;
            case "serviceUnavailableException", "modelNotReadyException" -> 503;
            case "modelTimeoutException" -> 408;
            default -> 500;
        };
        return of(status, exceptionType, message, null);
    }

    private static GatewayException of(int status, String type, String message, java.time.Duration retryAfter) {
        String lower = message.toLowerCase(Locale.ROOT);
        String kindName = type.toLowerCase(Locale.ROOT);
        ErrorKind kind;
        if (lower.contains("too long") || lower.contains("too many input tokens") || lower.contains("context window")) {
            kind = ErrorKind.CONTEXT_WINDOW_EXCEEDED;
        } else if (status == 401 || kindName.contains("unrecognizedclient") || kindName.contains("signature")
                || lower.contains("security token included in the request is invalid")) {
            kind = ErrorKind.AUTHENTICATION;
        } else {
            kind = VendorCalls.kindOf(status);
        }
        int answered = kind == ErrorKind.AUTHENTICATION ? 401 : status;
        return new GatewayException(kind, answered, "bedrock error: " + message, null, type.isBlank() ? null : type,
                retryAfter, null);
    }
}
