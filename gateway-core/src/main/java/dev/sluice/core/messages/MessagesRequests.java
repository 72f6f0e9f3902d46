package dev.sluice.core.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.GatewayException;

/**
 * Reads a request to Anthropic's Messages API ({@code POST /v1/messages}, as Anthropic's SDKs and
 * Claude Code send it) into the gateway's canonical OpenAI-shaped chat request, so it can be
 * routed to any provider: {@code system} into a system message, content blocks into content
 * parts (text with its {@code cache_control}, images as data URLs or URLs), {@code tool_use}
 * blocks into tool calls and {@code tool_result} blocks into tool messages, tools and
 * {@code tool_choice}, {@code stop_sequences}, {@code metadata.user_id} and {@code thinking}.
 * Thinking blocks the client sends back are left out: only Anthropic can read them.
 */
public final class MessagesRequests {

    private MessagesRequests() {
    }

    /**
     * @param body the Messages API request body
     * @param json the mapper
     * @return the canonical chat request
     * @throws GatewayException 400 naming the field at fault
     */
    public static ChatRequest toChat(ObjectNode body, ObjectMapper json) {
        require(body, "model", "the model to call, e.g. claude-sonnet-4");
        require(body, "max_tokens", "the most tokens to generate, e.g. 1024");
        if (!body.path("messages").isArray() || body.path("messages").isEmpty()) {
            throw GatewayException.badRequest("messages: Field required: a non-empty list of user and assistant "
                    + "messages.", "messages");
        }
        ObjectNode chat = json.createObjectNode();
        chat.set("model", body.get("model"));
        chat.set("max_tokens", body.get("max_tokens"));
        ArrayNode messages = chat.putArray("messages");
        JsonNode system = body.get("system");
        if (system != null && !system.isNull()) {
            messages.addObject().put("role", "system").set("content", system.isTextual() ? system : textParts(system, json));
        }
        for (JsonNode message : body.path("messages")) {
            switch (message.path("role").asText()) {
                case "user" -> user(message.path("content"), messages, json);
                case "assistant" -> assistant(message.path("content"), messages, json);
                default -> throw GatewayException.badRequest("messages: role must be user or assistant, not '"
                        + message.path("role").asText() + "'.", "messages");
            }
        }
        for (String same : new String[] {"temperature", "top_p", "top_k"}) {
            if (body.has(same)) {
                chat.set(same, body.get(same));
            }
        }
        if (body.has("stop_sequences")) {
            chat.set("stop", body.get("stop_sequences"));
        }
        if (body.path("metadata").path("user_id").isTextual()) {
            chat.put("user", body.path("metadata").path("user_id").asText());
        }
        tools(body, chat, json);
        if (body.path("thinking").path("type").asText().equals("enabled")) {
            long budget = body.path("thinking").path("budget_tokens").asLong(0);
            chat.put("reasoning_effort", budget <= 1024 ? "low" : budget <= 8192 ? "medium" : "high");
        }
        if (body.path("stream").asBoolean(false)) {
            chat.put("stream", true);
            chat.putObject("stream_options").put("include_usage", true);
        }
        return new ChatRequest(chat);
    }

    private static void require(ObjectNode body, String field, String what) {
        if (!body.hasNonNull(field)) {
            throw GatewayException.badRequest(field + ": Field required: " + what + ".", field);
        }
    }

    private static ArrayNode textParts(JsonNode blocks, ObjectMapper json) {
        ArrayNode parts = json.createArrayNode();
        for (JsonNode block : blocks) {
            if (block.path("type").asText().equals("text")) {
                ObjectNode part = parts.addObject().put("type", "text").put("text", block.path("text").asText());
                if (block.has("cache_control")) {
                    part.set("cache_control", block.get("cache_control"));
                }
            }
        }
        return parts;
    }

    private static void user(JsonNode content, ArrayNode messages, ObjectMapper json) {
        if (content.isTextual()) {
            messages.addObject().put("role", "user").put("content", content.asText());
            return;
        }
        ArrayNode parts = json.createArrayNode();
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "text" -> parts.addAll(textParts(json.createArrayNode().add(block), json));
                case "image" -> parts.addObject().put("type", "image_url").putObject("image_url").put("url", imageUrl(block));
                case "tool_result" -> {
                    JsonNode result = block.path("content");
                    ObjectNode tool = messages.addObject().put("role", "tool")
                            .put("tool_call_id", block.path("tool_use_id").asText());
                    tool.put("content", result.isTextual() ? result.asText() : joinedText(result));
                }
                default -> throw GatewayException.badRequest("messages: content blocks of type '"
                        + block.path("type").asText() + "' are not supported here; use text, image, tool_result.",
                        "messages");
            }
        }
        if (!parts.isEmpty()) {
            messages.addObject().put("role", "user").set("content", parts);
        }
    }

    private static String imageUrl(JsonNode block) {
        JsonNode source = block.path("source");
        return switch (source.path("type").asText()) {
            case "base64" -> "data:" + source.path("media_type").asText() + ";base64," + source.path("data").asText();
            case "url" -> source.path("url").asText();
            default -> throw GatewayException.badRequest("messages: an image source must be base64 or url.", "messages");
        };
    }

    private static String joinedText(JsonNode blocks) {
        StringBuilder text = new StringBuilder();
        for (JsonNode block : blocks) {
            text.append(block.path("text").asText(""));
        }
        return text.toString();
    }

    private static void assistant(JsonNode content, ArrayNode messages, ObjectMapper json) {
        ObjectNode message = messages.addObject().put("role", "assistant");
        if (content.isTextual()) {
            message.put("content", content.asText());
            return;
        }
        StringBuilder text = new StringBuilder();
        ArrayNode calls = json.createArrayNode();
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> calls.addObject().put("id", block.path("id").asText()).put("type", "function")
                        .putObject("function").put("name", block.path("name").asText())
                        .put("arguments", block.path("input").toString());
                default -> {
                    // thinking and redacted_thinking: signed by Anthropic for Anthropic, meaningless elsewhere
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
    }

    private static void tools(ObjectNode body, ObjectNode chat, ObjectMapper json) {
        if (body.path("tools").isArray() && !body.path("tools").isEmpty()) {
            ArrayNode tools = chat.putArray("tools");
            for (JsonNode tool : body.path("tools")) {
                String type = tool.path("type").asText("custom");
                if (!type.equals("custom") || !tool.has("input_schema")) {
                    throw GatewayException.badRequest("tools: only client tools with an input_schema can be routed "
                            + "through the gateway; '" + tool.path("name").asText(type) + "' is a server tool.", "tools");
                }
                ObjectNode function = tools.addObject().put("type", "function").putObject("function");
                function.put("name", tool.path("name").asText());
                if (tool.path("description").isTextual()) {
                    function.put("description", tool.path("description").asText());
                }
                function.set("parameters", tool.get("input_schema"));
            }
        }
        JsonNode choice = body.get("tool_choice");
        if (choice != null && choice.isObject()) {
            switch (choice.path("type").asText()) {
                case "auto" -> chat.put("tool_choice", "auto");
                case "any" -> chat.put("tool_choice", "required");
                case "none" -> chat.put("tool_choice", "none");
                case "tool" -> chat.putObject("tool_choice").put("type", "function").putObject("function")
                        .put("name", choice.path("name").asText());
                default -> throw GatewayException.badRequest("tool_choice: type must be auto, any, tool or none.",
                        "tool_choice");
            }
            if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
                chat.put("parallel_tool_calls", false);
            }
        }
    }
}
