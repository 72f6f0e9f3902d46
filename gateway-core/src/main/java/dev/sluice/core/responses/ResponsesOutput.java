package dev.sluice.core.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Usage;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * OpenAI's Responses API shapes, made from a chat answer: the {@code response} object with the
 * request's settings echoed, its output items ({@code reasoning}, {@code message} with
 * {@code output_text}, {@code function_call}), usage as {@code input_tokens}/{@code output_tokens},
 * and {@code status} {@code incomplete} when the answer was cut by {@code max_output_tokens}.
 */
public final class ResponsesOutput {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ResponsesOutput() {
    }

    /** @return a fresh id with OpenAI's prefix for its kind: {@code resp}, {@code msg}, {@code fc}, {@code rs} */
    public static String newId(String prefix) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return prefix + "_" + HexFormat.of().formatHex(bytes);
    }

    /**
     * @param request    the Responses API request, whose settings are echoed
     * @param completion the chat answer
     * @param id         the response's id
     * @param createdAt  when it was created, in epoch seconds
     * @param json       the mapper
     * @return the whole {@code response} object
     */
    public static ObjectNode fromChat(ObjectNode request, ObjectNode completion, String id, long createdAt,
                                      ObjectMapper json) {
        JsonNode choice = completion.path("choices").path(0);
        JsonNode message = choice.path("message");
        ArrayNode output = json.createArrayNode();
        String reasoning = message.path("reasoning_content").asText("");
        if (!reasoning.isEmpty()) {
            output.add(reasoningItem(newId("rs"), reasoning, json));
        }
        String text = message.path("content").asText("");
        if (!text.isEmpty() || !message.path("tool_calls").isArray() || message.path("tool_calls").isEmpty()) {
            output.add(messageItem(newId("msg"), text, "completed", json));
        }
        for (JsonNode call : message.path("tool_calls")) {
            output.add(functionCall(newId("fc"), call.path("id").asText(), call.path("function").path("name").asText(),
                    call.path("function").path("arguments").asText(""), "completed", json));
        }
        Usage usage = Usage.fromOpenAi(completion.path("usage")).orElse(Usage.ZERO);
        return response(request, id, createdAt, completion.path("model").asText(request.path("model").asText()),
                choice.path("finish_reason").asText("stop"), output, usage, json);
    }

    /**
     * @param finishReason the chat finish reason, or {@code null} while in progress
     * @return the {@code response} object with these output items
     */
    static ObjectNode response(ObjectNode request, String id, long createdAt, String model, String finishReason,
                               ArrayNode output, Usage usage, ObjectMapper json) {
        ObjectNode response = json.createObjectNode().put("id", id).put("object", "response")
                .put("created_at", createdAt);
        String incomplete = finishReason == null ? null : switch (finishReason) {
            case "length" -> "max_output_tokens";
            case "content_filter" -> "content_filter";
            default -> null;
        };
        response.put("status", finishReason == null ? "in_progress" : incomplete != null ? "incomplete" : "completed");
        response.putNull("error");
        if (incomplete != null) {
            response.putObject("incomplete_details").put("reason", incomplete);
        } else {
            response.putNull("incomplete_details");
        }
        echo(request, response, "instructions");
        echo(request, response, "max_output_tokens");
        response.put("model", model);
        response.set("output", output);
        response.put("parallel_tool_calls", request.path("parallel_tool_calls").asBoolean(true));
        echo(request, response, "previous_response_id");
        ObjectNode reasoning = response.putObject("reasoning");
        reasoning.set("effort", request.path("reasoning").path("effort").isTextual()
                ? request.path("reasoning").get("effort") : json.nullNode());
        reasoning.putNull("summary");
        response.put("store", request.path("store").asBoolean(true));
        response.put("temperature", request.path("temperature").asDouble(1.0));
        response.set("text", request.path("text").path("format").isObject() ? request.get("text").deepCopy()
                : json.createObjectNode().set("format", json.createObjectNode().put("type", "text")));
        response.set("tool_choice", request.has("tool_choice") ? request.get("tool_choice").deepCopy()
                : json.getNodeFactory().textNode("auto"));
        response.set("tools", request.path("tools").isArray() ? request.get("tools").deepCopy() : json.createArrayNode());
        response.put("top_p", request.path("top_p").asDouble(1.0));
        response.put("truncation", request.path("truncation").asText("disabled"));
        response.set("usage", finishReason == null ? json.nullNode() : usage(usage, json));
        echo(request, response, "user");
        response.set("metadata", request.path("metadata").isObject() ? request.get("metadata").deepCopy()
                : json.createObjectNode());
        return response;
    }

    /** @return usage in the Responses API's terms */
    static ObjectNode usage(Usage usage, ObjectMapper json) {
        ObjectNode node = json.createObjectNode().put("input_tokens", usage.promptTokens());
        node.putObject("input_tokens_details").put("cached_tokens", usage.cachedPromptTokens());
        node.put("output_tokens", usage.completionTokens());
        node.putObject("output_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
        node.put("total_tokens", usage.promptTokens() + usage.completionTokens());
        return node;
    }

    static ObjectNode messageItem(String id, String text, String status, ObjectMapper json) {
        ObjectNode item = json.createObjectNode().put("id", id).put("type", "message").put("status", status)
                .put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (status.equals("completed")) {
            content.add(outputText(text, json));
        }
        return item;
    }

    static ObjectNode outputText(String text, ObjectMapper json) {
        ObjectNode part = json.createObjectNode().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        return part;
    }

    static ObjectNode functionCall(String id, String callId, String name, String arguments, String status,
                                   ObjectMapper json) {
        return json.createObjectNode().put("id", id).put("type", "function_call").put("status", status)
                .put("call_id", callId).put("name", name).put("arguments", arguments);
    }

    static ObjectNode reasoningItem(String id, String text, ObjectMapper json) {
        ObjectNode item = json.createObjectNode().put("id", id).put("type", "reasoning");
        ArrayNode summary = item.putArray("summary");
        if (text != null) {
            summary.addObject().put("type", "summary_text").put("text", text);
        }
        return item;
    }

    /**
     * @return the assistant's turn of a response as a chat message (its text and tool calls), which
     *         a later request with {@code previous_response_id} continues from
     */
    public static ObjectNode assistantMessage(ObjectNode response, ObjectMapper json) {
        ObjectNode message = json.createObjectNode().put("role", "assistant");
        StringBuilder text = new StringBuilder();
        ArrayNode calls = json.createArrayNode();
        for (JsonNode item : response.path("output")) {
            switch (item.path("type").asText()) {
                case "message" -> item.path("content").forEach(part -> text.append(part.path("text").asText("")));
                case "function_call" -> {
                    ObjectNode call = calls.addObject().put("id", item.path("call_id").asText()).put("type", "function");
                    call.putObject("function").put("name", item.path("name").asText())
                            .put("arguments", item.path("arguments").asText());
                }
                default -> {
                    // reasoning is not sent back
                }
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
        return message;
    }

    private static void echo(ObjectNode request, ObjectNode response, String field) {
        JsonNode value = request.get(field);
        response.set(field, value == null ? response.nullNode() : value.deepCopy());
    }
}
