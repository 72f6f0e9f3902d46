package dev.sluice.plugins.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.RetryAfter;
import dev.sluice.api.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import dev.sluice.plugins.kit.VendorCalls;

/**
 * Turns Gemini's {@code GenerateContentResponse} into OpenAI's shapes: each candidate a choice,
 * text parts its content (thought parts its {@code reasoning_content}), {@code functionCall}
 * parts tool calls (given ids, which Gemini does not), {@code finishReason} OpenAI's, usage with
 * thinking tokens counted as output; a prompt Gemini blocked is a content-policy error. Errors
 * ({@code {"error":{"code","message","status"}}}) map to the canonical kinds, with the retry
 * delay Gemini gives in a 429's details or its {@code Retry-After}.
 */
final class GeminiResponses {

    private GeminiResponses() {
    }

    static ObjectNode completion(JsonNode answer, ObjectMapper json) {
        refuseBlocked(answer);
        ObjectNode completion = json.createObjectNode();
        completion.put("id", answer.path("responseId").asText("chatcmpl-" + UUID.randomUUID()));
        completion.put("object", "chat.completion");
        completion.put("created", System.currentTimeMillis() / 1000);
        completion.put("model", answer.path("modelVersion").asText());
        ArrayNode choices = completion.putArray("choices");
        for (JsonNode candidate : answer.path("candidates")) {
            ObjectNode choice = choices.addObject().put("index", candidate.path("index").asInt(choices.size() - 1));
            ObjectNode message = choice.putObject("message").put("role", "assistant");
            Parts parts = Parts.of(candidate, 0, json);
            message.put("content", parts.text());
            if (!parts.thoughts().isEmpty()) {
                message.put("reasoning_content", parts.thoughts());
            }
            if (!parts.calls().isEmpty()) {
                message.set("tool_calls", parts.calls());
            }
            choice.put("finish_reason", finishReason(candidate.path("finishReason").asText(""), !parts.calls().isEmpty()));
        }
        completion.set("usage", usage(answer.path("usageMetadata")).toOpenAi());
        return completion;
    }

    /** A candidate's parts, sorted into text, thoughts and tool calls. */
    record Parts(String text, String thoughts, ArrayNode calls) {

        static Parts of(JsonNode candidate, int firstToolIndex, ObjectMapper json) {
            StringBuilder text = new StringBuilder();
            StringBuilder thoughts = new StringBuilder();
            ArrayNode calls = json.createArrayNode();
            for (JsonNode part : candidate.path("content").path("parts")) {
                if (part.has("functionCall")) {
                    ObjectNode call = calls.addObject().put("index", firstToolIndex + calls.size())
                            .put("id", "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24))
                            .put("type", "function");
                    call.putObject("function").put("name", part.path("functionCall").path("name").asText())
                            .put("arguments", part.path("functionCall").path("args").toString());
                } else if (part.path("thought").asBoolean(false)) {
                    thoughts.append(part.path("text").asText(""));
                } else {
                    text.append(part.path("text").asText(""));
                }
            }
            return new Parts(text.toString(), thoughts.toString(), calls);
        }
    }

    /** @throws GatewayException a content-policy error when Gemini blocked the prompt */
    static void refuseBlocked(JsonNode answer) {
        String blocked = answer.path("promptFeedback").path("blockReason").asText("");
        if (!blocked.isEmpty() && answer.path("candidates").isEmpty()) {
            throw new GatewayException(ErrorKind.CONTENT_POLICY, 400, "gemini blocked the prompt (" + blocked + ").",
                    "messages", "content_policy_violation", null, null);
        }
    }

    static String finishReason(String geminiReason, boolean calledTools) {
        if (calledTools) {
            return "tool_calls";
        }
        return switch (geminiReason) {
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
            default -> "stop";
        };
    }

    /** @return the usage: the prompt's tokens (cached ones included), output with thinking */
    static Usage usage(JsonNode usage) {
        long thoughts = usage.path("thoughtsTokenCount").asLong(0);
        return new Usage(usage.path("promptTokenCount").asLong(0), usage.path("candidatesTokenCount").asLong(0) + thoughts,
                usage.path("cachedContentTokenCount").asLong(0), thoughts);
    }

    static ObjectNode embeddings(JsonNode answer, String model, ObjectMapper json) {
        ObjectNode list = json.createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        int index = 0;
        for (JsonNode embedding : answer.path("embeddings")) {
            data.addObject().put("object", "embedding").put("index", index++).set("embedding", embedding.path("values"));
        }
        list.put("model", model);
        // batchEmbedContents reports no token count.
        list.putObject("usage").put("prompt_tokens", 0).put("total_tokens", 0);
        return list;
    }

    /** @return Vertex AI's {@code :predict} embeddings as an OpenAI list, with the token counts it reports */
    static ObjectNode predictions(JsonNode answer, String model, ObjectMapper json) {
        ObjectNode list = json.createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        long tokens = 0;
        for (JsonNode prediction : answer.path("predictions")) {
            int index = data.size();
            data.addObject().put("object", "embedding").put("index", index)
                    .set("embedding", prediction.path("embeddings").path("values"));
            tokens += prediction.path("embeddings").path("statistics").path("token_count").asLong(0);
        }
        list.put("model", model);
        list.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return list;
    }

    static GatewayException error(int status, byte[] body, Function<String, Optional<String>> header, ObjectMapper json) {
        JsonNode error = VendorCalls.errorJson(body, json).path("error");
        String message = error.path("message").asText("HTTP " + status);
        String lower = message.toLowerCase(Locale.ROOT);
        Duration retryAfter = RetryAfter.parse(header.apply("retry-after-ms"), header.apply("retry-after"), Instant.now())
                .or(() -> retryDelay(error)).orElse(null);
        if (lower.contains("api key not valid") || lower.contains("api_key_invalid")) {
            return new GatewayException(ErrorKind.AUTHENTICATION, 401, "gemini error: " + message, null, null, null, null);
        }
        boolean promptTooLong = status == 400 && (lower.contains("exceeds the maximum number of tokens")
                || lower.contains("input token count"));
        ErrorKind kind = promptTooLong ? ErrorKind.CONTEXT_WINDOW_EXCEEDED : VendorCalls.kindOf(status);
        String code = error.path("status").asText("");
        return new GatewayException(kind, status, "gemini error: " + message, null, code.isEmpty() ? null : code,
                retryAfter, null);
    }

    /** Gemini's 429s carry {@code google.rpc.RetryInfo} with a {@code retryDelay} such as {@code "27s"}. */
    private static Optional<Duration> retryDelay(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            String delay = detail.path("retryDelay").asText("");
            if (delay.endsWith("s")) {
                try {
                    return Optional.of(Duration.ofMillis(Math.round(Double.parseDouble(delay.substring(0, delay.length() - 1))
                            * 1000)));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** @return Imagen's predictions as OpenAI's images answer ({@code b64_json}) */
    static ObjectNode images(JsonNode predictions, ObjectMapper json) {
        ObjectNode answer = json.createObjectNode().put("created", System.currentTimeMillis() / 1000);
        ArrayNode data = answer.putArray("data");
        for (JsonNode prediction : predictions.path("predictions")) {
            if (prediction.path("bytesBase64Encoded").isTextual()) {
                data.addObject().put("b64_json", prediction.path("bytesBase64Encoded").asText());
            }
        }
        if (data.isEmpty()) {
            throw GatewayException.of(ErrorKind.CONTENT_POLICY, "gemini returned no image: the prompt may have been "
                    + "filtered by Google's safety settings.");
        }
        return answer;
    }
}
