package dev.sluice.plugins.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Usage;

/**
 * Turns Anthropic's message object into OpenAI's {@code chat.completion}: text blocks into
 * {@code content}, {@code tool_use} blocks into {@code tool_calls} (or, for a
 * {@code response_format} call, the JSON tool's input into {@code content}), thinking into
 * {@code reasoning_content}, the stop reason into OpenAI's finish reason, and the usage with
 * every input token counted: Anthropic's {@code input_tokens} leave out the tokens read from and
 * written to its prompt cache.
 */
final class AnthropicResponses {

    private AnthropicResponses() {
    }

    static ObjectNode completion(JsonNode message, boolean jsonAnswer, ObjectMapper json) {
        ObjectNode completion = json.createObjectNode();
        completion.put("id", message.path("id").asText());
        completion.put("object", "chat.completion");
        completion.put("created", System.currentTimeMillis() / 1000);
        completion.put("model", message.path("model").asText());
        ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
        ObjectNode reply = choice.putObject("message").put("role", "assistant");
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        ArrayNode calls = json.createArrayNode();
        boolean answeredWithJson = false;
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "thinking" -> thinking.append(block.path("thinking").asText());
                case "tool_use" -> {
                    if (jsonAnswer && AnthropicRequests.JSON_TOOL.equals(block.path("name").asText())) {
                        text.append(block.path("input").toString());
                        answeredWithJson = true;
                    } else {
                        ObjectNode call = calls.addObject().put("id", block.path("id").asText()).put("type", "function");
                        call.putObject("function").put("name", block.path("name").asText())
                                .put("arguments", block.path("input").toString());
                    }
                }
                default -> {
                    // server tool results, redacted thinking: nothing OpenAI's shape can carry
                }
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) {
            reply.putNull("content");
        } else {
            reply.put("content", text.toString());
        }
        if (!thinking.isEmpty()) {
            reply.put("reasoning_content", thinking.toString());
        }
        if (!calls.isEmpty()) {
            reply.set("tool_calls", calls);
        }
        String reason = answeredWithJson ? "stop" : finishReason(message.path("stop_reason").asText(""));
        choice.put("finish_reason", reason);
        completion.set("usage", usage(message.path("usage")).toOpenAi());
        return completion;
    }

    /** @return OpenAI's finish reason for Anthropic's stop reason */
    static String finishReason(String stopReason) {
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    /** @return the usage, every input token counted, the cached ones as such */
    static Usage usage(JsonNode usage) {
        long cacheRead = usage.path("cache_read_input_tokens").asLong(0);
        long cacheWrite = usage.path("cache_creation_input_tokens").asLong(0);
        return new Usage(usage.path("input_tokens").asLong(0) + cacheRead + cacheWrite,
                usage.path("output_tokens").asLong(0), cacheRead, 0, cacheWrite);
    }
}
