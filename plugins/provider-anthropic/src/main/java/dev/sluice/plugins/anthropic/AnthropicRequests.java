package dev.sluice.plugins.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.GatewayException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import dev.sluice.plugins.kit.DataUrls;
import dev.sluice.plugins.kit.RequestChecks;

/**
 * Turns an OpenAI chat request into an Anthropic Messages request: system and developer messages
 * into {@code system}; user, assistant and tool messages into alternating {@code user} /
 * {@code assistant} turns of content blocks (text, images by URL or base64, {@code tool_use},
 * {@code tool_result}); tools and {@code tool_choice}; {@code max_tokens} (required by Anthropic:
 * the caller's, else the model's {@code model_info.max_output_tokens} or {@code max_tokens},
 * else {@value #DEFAULT_MAX_TOKENS}); {@code stop} into {@code stop_sequences}; {@code user} into
 * {@code metadata.user_id}; {@code response_format} into a forced tool whose input is the JSON
 * answer; {@code reasoning_effort} into {@code thinking}. Parameters Anthropic has no counterpart
 * for are refused with a 400 naming them, or dropped with {@code drop_params: true}.
 */
final class AnthropicRequests {

    /** The output cap of a call that names none, for a model whose model_info states none. */
    static final int DEFAULT_MAX_TOKENS = 4096;
    /** The tool a {@code response_format} becomes; its input is the JSON answer. */
    static final String JSON_TOOL = "json_tool_call";

    /** OpenAI parameters translated here, or meaningless upstream (the gateway's own). */
    private static final Set<String> HANDLED = Set.of("model", "messages", "stream", "stream_options", "max_tokens",
            "max_completion_tokens", "temperature", "top_p", "stop", "user", "tools", "tool_choice",
            "parallel_tool_calls", "response_format", "reasoning_effort", "drop_params", "metadata", "n",
            "mock_response", "num_retries", "tags");
    /** Anthropic's own parameters, passed through as given. */
    private static final Set<String> NATIVE = Set.of("top_k", "thinking", "service_tier");
    private static final Map<String, Integer> THINKING_BUDGETS = Map.of("minimal", 1024, "low", 1024,
            "medium", 2048, "high", 4096);

    private AnthropicRequests() {
    }

    /** @return the Messages API body for this request on this deployment */
    static ObjectNode body(ChatRequest request, Deployment deployment, boolean stream, ObjectMapper json) {
        ObjectNode openAi = request.body();
        RequestChecks.unsupportedParams(openAi, key -> HANDLED.contains(key) || NATIVE.contains(key), deployment);
        ObjectNode body = json.createObjectNode();
        body.put("model", deployment.providerModel());
        ArrayNode system = json.createArrayNode();
        body.set("messages", messages(request.messages(), system, json));
        if (!system.isEmpty()) {
            body.set("system", system);
        }
        body.put("max_tokens", maxTokens(openAi, deployment));
        copy(openAi, body, "temperature", "temperature");
        copy(openAi, body, "top_p", "top_p");
        JsonNode stop = openAi.get("stop");
        if (stop != null && stop.isTextual()) {
            body.putArray("stop_sequences").add(stop.asText());
        } else if (stop != null && stop.isArray() && !stop.isEmpty()) {
            body.set("stop_sequences", stop);
        }
        if (openAi.path("user").isTextual()) {
            body.putObject("metadata").put("user_id", openAi.path("user").asText());
        }
        tools(openAi, body, json);
        JsonNode effort = openAi.get("reasoning_effort");
        if (effort != null && effort.isTextual() && THINKING_BUDGETS.containsKey(effort.asText())) {
            body.putObject("thinking").put("type", "enabled").put("budget_tokens", THINKING_BUDGETS.get(effort.asText()));
        }
        for (String key : NATIVE) {
            if (openAi.has(key)) {
                body.set(key, openAi.get(key));
            }
        }
        deployment.extraParams().properties().forEach(entry -> {
            if (NATIVE.contains(entry.getKey()) || entry.getKey().equals("temperature")
                    || entry.getKey().equals("top_p")) {
                if (!body.has(entry.getKey())) {
                    body.set(entry.getKey(), entry.getValue());
                }
            }
        });
        if (stream) {
            body.put("stream", true);
        }
        return body;
    }

    /** @return whether the caller asked for a JSON answer, which arrives as the JSON tool's input */
    static boolean wantsJson(ChatRequest request) {
        String type = request.body().path("response_format").path("type").asText("text");
        return type.equals("json_object") || type.equals("json_schema");
    }

    private static long maxTokens(ObjectNode openAi, Deployment deployment) {
        for (String key : List.of("max_completion_tokens", "max_tokens")) {
            if (openAi.path(key).canConvertToLong() && openAi.path(key).asLong() > 0) {
                return openAi.path(key).asLong();
            }
        }
        for (String key : List.of("max_output_tokens", "max_tokens")) {
            JsonNode limit = deployment.modelInfo().path(key);
            if (limit.canConvertToLong() && limit.asLong() > 0) {
                return limit.asLong();
            }
        }
        return DEFAULT_MAX_TOKENS;
    }

    private static void copy(ObjectNode from, ObjectNode to, String fromKey, String toKey) {
        JsonNode value = from.get(fromKey);
        if (value != null && !value.isNull()) {
            to.set(toKey, value);
        }
    }

    private static ArrayNode messages(ArrayNode openAi, ArrayNode system, ObjectMapper json) {
        ArrayNode turns = json.createArrayNode();
        for (JsonNode message : openAi) {
            String role = message.path("role").asText();
            switch (role) {
                case "system", "developer" -> textBlocks(message.path("content"), system, json);
                case "user" -> blocksOf(turns, "user", json).addAll(userBlocks(message.path("content"), json));
                case "assistant" -> blocksOf(turns, "assistant", json).addAll(assistantBlocks(message, json));
                case "tool" -> blocksOf(turns, "user", json).add(toolResult(message, json));
                default -> throw GatewayException.badRequest("Message role '" + role + "' cannot be sent to "
                        + "anthropic; use system, user, assistant or tool.", "messages");
            }
        }
        return turns;
    }

    /** Anthropic wants turns to alternate: a message of the previous turn's role joins it. */
    private static ArrayNode blocksOf(ArrayNode turns, String role, ObjectMapper json) {
        if (!turns.isEmpty() && turns.get(turns.size() - 1).path("role").asText().equals(role)) {
            return (ArrayNode) turns.get(turns.size() - 1).get("content");
        }
        ObjectNode turn = turns.addObject().put("role", role);
        return turn.putArray("content");
    }

    private static void textBlocks(JsonNode content, ArrayNode into, ObjectMapper json) {
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) {
                into.addObject().put("type", "text").put("text", content.asText());
            }
            return;
        }
        for (JsonNode part : content) {
            if (part.path("type").asText().equals("text")) {
                ObjectNode block = into.addObject().put("type", "text").put("text", part.path("text").asText());
                if (part.has("cache_control")) {
                    block.set("cache_control", part.get("cache_control"));
                }
            }
        }
    }

    private static List<JsonNode> userBlocks(JsonNode content, ObjectMapper json) {
        ArrayNode blocks = json.createArrayNode();
        if (content.isTextual() || content.isMissingNode() || content.isNull()) {
            textBlocks(content.isTextual() ? content : json.getNodeFactory().textNode(""), blocks, json);
            return toList(blocks);
        }
        for (JsonNode part : content) {
            switch (part.path("type").asText()) {
                case "text" -> textBlocks(json.createArrayNode().add(part), blocks, json);
                case "image_url" -> blocks.add(image(part.path("image_url"), json));
                default -> throw GatewayException.badRequest("Content part of type '" + part.path("type").asText()
                        + "' cannot be sent to anthropic; use text or image_url.", "messages");
            }
        }
        return toList(blocks);
    }

    private static ObjectNode image(JsonNode imageUrl, ObjectMapper json) {
        String url = imageUrl.isTextual() ? imageUrl.asText() : imageUrl.path("url").asText();
        ObjectNode block = json.createObjectNode().put("type", "image");
        Optional<DataUrls.DataUrl> data = DataUrls.parse(url);
        if (data.isPresent()) {
            block.putObject("source").put("type", "base64").put("media_type", data.get().mediaType())
                    .put("data", data.get().base64());
        } else {
            block.putObject("source").put("type", "url").put("url", url);
        }
        return block;
    }

    private static List<JsonNode> assistantBlocks(JsonNode message, ObjectMapper json) {
        ArrayNode blocks = json.createArrayNode();
        JsonNode content = message.path("content");
        if (content.isTextual() || content.isArray()) {
            textBlocks(content, blocks, json);
        }
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode use = blocks.addObject().put("type", "tool_use").put("id", call.path("id").asText())
                    .put("name", call.path("function").path("name").asText());
            use.set("input", RequestChecks.toolArguments(call.path("function").path("arguments"), json));
        }
        return toList(blocks);
    }

    private static ObjectNode toolResult(JsonNode message, ObjectMapper json) {
        ObjectNode result = json.createObjectNode().put("type", "tool_result")
                .put("tool_use_id", message.path("tool_call_id").asText());
        JsonNode content = message.path("content");
        if (content.isArray()) {
            ArrayNode blocks = result.putArray("content");
            textBlocks(content, blocks, json);
        } else {
            result.put("content", content.asText(""));
        }
        return result;
    }

    private static void tools(ObjectNode openAi, ObjectNode body, ObjectMapper json) {
        ArrayNode tools = json.createArrayNode();
        for (JsonNode tool : openAi.path("tools")) {
            JsonNode function = tool.path("function");
            ObjectNode converted = tools.addObject().put("name", function.path("name").asText());
            if (function.path("description").isTextual()) {
                converted.put("description", function.path("description").asText());
            }
            converted.set("input_schema", function.has("parameters") ? function.get("parameters")
                    : json.createObjectNode().put("type", "object"));
        }
        ObjectNode choice = toolChoice(openAi.get("tool_choice"), json);
        String format = openAi.path("response_format").path("type").asText("text");
        if (format.equals("json_object") || format.equals("json_schema")) {
            JsonNode schema = openAi.path("response_format").path("json_schema").path("schema");
            tools.addObject().put("name", JSON_TOOL).put("description", "Answer with this tool, its input being the answer.")
                    .set("input_schema", schema.isObject() ? schema : json.createObjectNode().put("type", "object"));
            choice = json.createObjectNode().put("type", "tool").put("name", JSON_TOOL);
        }
        if (!tools.isEmpty()) {
            body.set("tools", tools);
        }
        if (choice != null) {
            if (openAi.path("parallel_tool_calls").isBoolean() && !openAi.path("parallel_tool_calls").asBoolean()
                    && !choice.path("type").asText().equals("none")) {
                choice.put("disable_parallel_tool_use", true);
            }
            body.set("tool_choice", choice);
        }
    }

    private static ObjectNode toolChoice(JsonNode choice, ObjectMapper json) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto" -> json.createObjectNode().put("type", "auto");
                case "required" -> json.createObjectNode().put("type", "any");
                case "none" -> json.createObjectNode().put("type", "none");
                default -> throw GatewayException.badRequest("tool_choice must be auto, required, none or a "
                        + "function.", "tool_choice");
            };
        }
        return json.createObjectNode().put("type", "tool").put("name", choice.path("function").path("name").asText());
    }

    private static List<JsonNode> toList(ArrayNode blocks) {
        List<JsonNode> list = new ArrayList<>(blocks.size());
        blocks.forEach(list::add);
        return list;
    }
}
