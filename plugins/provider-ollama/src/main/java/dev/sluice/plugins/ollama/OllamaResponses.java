package dev.sluice.plugins.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.RetryAfter;
import dev.sluice.api.Usage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import dev.sluice.plugins.kit.VendorCalls;

/**
 * Turns Ollama's answers into OpenAI's shapes: a chat answer into a {@code chat.completion}
 * (tool calls with their arguments as JSON text, each given an id, since Ollama gives none;
 * {@code thinking} as {@code reasoning_content}), {@code /api/embed}'s embeddings into an
 * embedding list, usage from {@code prompt_eval_count} and {@code eval_count}; and its errors
 * ({@code {"error": "..."}}) into the canonical kinds.
 */
final class OllamaResponses {

    private OllamaResponses() {
    }

    static ObjectNode completion(JsonNode answer, ObjectMapper json) {
        ObjectNode completion = envelope("chat.completion", answer, json);
        ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        JsonNode said = answer.path("message");
        ArrayNode calls = toolCalls(said.path("tool_calls"), json);
        message.put("content", said.path("content").asText(""));
        if (!said.path("thinking").asText("").isEmpty()) {
            message.put("reasoning_content", said.path("thinking").asText());
        }
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
        choice.put("finish_reason", finishReason(answer, !calls.isEmpty()));
        completion.set("usage", usage(answer).toOpenAi());
        return completion;
    }

    static ObjectNode envelope(String object, JsonNode answer, ObjectMapper json) {
        ObjectNode envelope = json.createObjectNode();
        envelope.put("id", "chatcmpl-" + UUID.randomUUID());
        envelope.put("object", object);
        envelope.put("created", System.currentTimeMillis() / 1000);
        envelope.put("model", answer.path("model").asText());
        return envelope;
    }

    /** @return OpenAI tool calls for Ollama's, numbered from {@code firstIndex} */
    static ArrayNode toolCalls(JsonNode calls, ObjectMapper json) {
        ArrayNode converted = json.createArrayNode();
        int index = 0;
        for (JsonNode call : calls) {
            ObjectNode openAi = converted.addObject().put("index", index++)
                    .put("id", "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24))
                    .put("type", "function");
            openAi.putObject("function").put("name", call.path("function").path("name").asText())
                    .put("arguments", call.path("function").path("arguments").toString());
        }
        return converted;
    }

    static String finishReason(JsonNode answer, boolean calledTools) {
        if (calledTools) {
            return "tool_calls";
        }
        return answer.path("done_reason").asText("stop").equals("length") ? "length" : "stop";
    }

    static Usage usage(JsonNode answer) {
        return new Usage(answer.path("prompt_eval_count").asLong(0), answer.path("eval_count").asLong(0), 0, 0);
    }

    static ObjectNode embeddings(JsonNode answer, ObjectMapper json) {
        ObjectNode list = json.createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        int index = 0;
        for (JsonNode embedding : answer.path("embeddings")) {
            data.addObject().put("object", "embedding").put("index", index++).set("embedding", embedding);
        }
        list.put("model", answer.path("model").asText());
        long tokens = answer.path("prompt_eval_count").asLong(0);
        list.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return list;
    }

    static GatewayException error(int status, byte[] body, Function<String, Optional<String>> header, ObjectMapper json) {
        String message = VendorCalls.errorJson(body, json).path("error").asText("");
        if (message.isBlank()) {
            message = "HTTP " + status + (body.length > 0 ? ": " + new String(body, 0, Math.min(body.length, 200),
                    StandardCharsets.UTF_8).trim() : "");
        }
        String lower = message.toLowerCase(Locale.ROOT);
        ErrorKind kind = status == 400 && (lower.contains("context length") || lower.contains("context window"))
                ? ErrorKind.CONTEXT_WINDOW_EXCEEDED : VendorCalls.kindOf(status);
        return new GatewayException(kind, status, "ollama error: " + message, null, null,
                RetryAfter.parse(header.apply("retry-after-ms"), header.apply("retry-after"), Instant.now()).orElse(null),
                null);
    }
}
