package dev.sluice.core.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.GatewayException;

/**
 * Reads a request to OpenAI's Responses API ({@code POST /v1/responses}) into the gateway's
 * canonical chat request, so any provider can answer it: {@code instructions} as a system
 * message; {@code input} as text or items (messages with text, image and file parts,
 * {@code function_call} items as assistant tool calls, {@code function_call_output} items as tool
 * messages; reasoning items are left out, only their maker can read them); function tools and
 * {@code tool_choice}; {@code text.format} as {@code response_format}; {@code reasoning.effort};
 * {@code max_output_tokens}. A conversation continued with {@code previous_response_id} comes
 * before the new input, without the earlier {@code instructions}, as OpenAI does.
 */
public final class ResponsesRequests {

    /** Parameters of the same name and meaning in both APIs; metadata stays the gateway's (echoed back). */
    private static final String[] SAME = {"temperature", "top_p", "parallel_tool_calls", "user"};

    private ResponsesRequests() {
    }

    /**
     * A request read.
     *
     * @param chat         the canonical chat request
     * @param conversation the conversation so far as chat messages, the previous turns' and this
     *                     input's, without {@code instructions}: what a later request continues
     */
    public record Translated(ChatRequest chat, ArrayNode conversation) {
    }

    /**
     * @param body     the Responses API request body
     * @param previous the chat messages of the conversation continued, empty for a new one
     * @param json     the mapper
     * @return the canonical chat request, and the conversation it continues
     * @throws GatewayException 400 naming the field at fault
     */
    public static Translated toChat(ObjectNode body, ArrayNode previous, ObjectMapper json) {
        if (!body.path("model").isTextual() || body.path("model").asText().isBlank()) {
            throw GatewayException.badRequest("model: Field required: the model to call, e.g. gpt-4o-mini.", "model");
        }
        JsonNode input = body.path("input");
        if (!(input.isTextual() || input.isArray())) {
            throw GatewayException.badRequest("input: Field required: text, or a list of input items.", "input");
        }
        ObjectNode chat = json.createObjectNode();
        chat.set("model", body.get("model"));
        ArrayNode messages = chat.putArray("messages");
        JsonNode instructions = body.path("instructions");
        if (instructions.isTextual() && !instructions.asText().isEmpty()) {
            messages.addObject().put("role", "system").put("content", instructions.asText());
        } else if (!instructions.isMissingNode() && !instructions.isNull() && !instructions.isTextual()) {
            throw GatewayException.badRequest("instructions: expected text.", "instructions");
        }
        ArrayNode conversation = previous.deepCopy();
        if (input.isTextual()) {
            conversation.addObject().put("role", "user").put("content", input.asText());
        } else {
            for (JsonNode item : input) {
                item(item, conversation, json);
            }
        }
        messages.addAll(conversation.deepCopy());
        for (String same : SAME) {
            if (body.has(same) && !body.get(same).isNull()) {
                chat.set(same, body.get(same));
            }
        }
        if (body.path("max_output_tokens").isNumber()) {
            chat.set("max_tokens", body.get("max_output_tokens"));
        }
        if (body.path("reasoning").path("effort").isTextual()) {
            chat.set("reasoning_effort", body.path("reasoning").get("effort"));
        }
        tools(body, chat);
        format(body.path("text").path("format"), chat);
        if (body.path("stream").asBoolean(false)) {
            chat.put("stream", true);
            chat.putObject("stream_options").put("include_usage", true); // the final event carries usage
        }
        return new Translated(new ChatRequest(chat), conversation);
    }

    private static void item(JsonNode item, ArrayNode messages, ObjectMapper json) {
        String type = item.path("type").asText("message");
        switch (type) {
            case "message" -> message(item, messages, json);
            case "function_call" -> {
                ObjectNode assistant = lastAssistant(messages);
                ObjectNode call = assistant.withArray("tool_calls").addObject();
                call.put("id", text(item, "call_id")).put("type", "function");
                call.putObject("function").put("name", text(item, "name"))
                        .put("arguments", item.path("arguments").asText("{}"));
            }
            case "function_call_output" -> {
                JsonNode output = item.path("output");
                messages.addObject().put("role", "tool").put("tool_call_id", text(item, "call_id"))
                        .put("content", output.isTextual() ? output.asText() : outputText(output));
            }
            case "reasoning" -> {
                // encrypted or summarised thinking of an earlier turn: only the model that made it reads it
            }
            default -> throw GatewayException.badRequest("input: items of type '" + type + "' are not supported "
                    + "here; send messages, function_call and function_call_output items.", "input");
        }
    }

    private static void message(JsonNode item, ArrayNode messages, ObjectMapper json) {
        String role = item.path("role").asText();
        if (!role.equals("user") && !role.equals("assistant") && !role.equals("system") && !role.equals("developer")) {
            throw GatewayException.badRequest("input: a message's role must be user, assistant, system or developer, "
                    + "not '" + role + "'.", "input");
        }
        JsonNode content = item.path("content");
        ObjectNode message = json.createObjectNode().put("role", role);
        if (content.isTextual()) {
            message.put("content", content.asText());
        } else if (content.isArray()) {
            ArrayNode parts = json.createArrayNode();
            for (JsonNode part : content) {
                parts.add(part(part, json));
            }
            if (role.equals("assistant")) { // assistants' content is text in chat
                message.put("content", outputText(parts));
            } else {
                message.set("content", parts);
            }
        } else {
            throw GatewayException.badRequest("input: a message's content must be text or a list of parts.", "input");
        }
        messages.add(message);
    }

    private static ObjectNode part(JsonNode part, ObjectMapper json) {
        String type = part.path("type").asText();
        return switch (type) {
            case "input_text", "output_text", "text", "refusal" ->
                    json.createObjectNode().put("type", "text").put("text", part.path(type.equals("refusal")
                            ? "refusal" : "text").asText());
            case "input_image" -> {
                String url = part.path("image_url").asText("");
                if (url.isEmpty()) {
                    throw GatewayException.badRequest("input: an input_image needs image_url (a URL or a data URL); "
                            + "file_id is not supported here.", "input");
                }
                ObjectNode image = json.createObjectNode().put("type", "image_url");
                ObjectNode imageUrl = image.putObject("image_url").put("url", url);
                if (part.path("detail").isTextual()) {
                    imageUrl.put("detail", part.path("detail").asText());
                }
                yield image;
            }
            case "input_file" -> {
                ObjectNode file = json.createObjectNode().put("type", "file");
                ObjectNode inner = file.putObject("file");
                for (String field : new String[] {"file_data", "file_id", "filename"}) {
                    if (part.path(field).isTextual()) {
                        inner.put(field, part.path(field).asText());
                    }
                }
                yield file;
            }
            default -> throw GatewayException.badRequest("input: content parts of type '" + type + "' are not "
                    + "supported; use input_text, input_image or input_file.", "input");
        };
    }

    private static ObjectNode lastAssistant(ArrayNode messages) {
        if (!messages.isEmpty() && messages.get(messages.size() - 1) instanceof ObjectNode last
                && last.path("role").asText().equals("assistant")) {
            return last;
        }
        ObjectNode assistant = messages.addObject().put("role", "assistant");
        assistant.putNull("content");
        return assistant;
    }

    private static void tools(ObjectNode body, ObjectNode chat) {
        JsonNode tools = body.path("tools");
        if (tools.isArray() && !tools.isEmpty()) {
            ArrayNode functions = chat.putArray("tools");
            for (JsonNode tool : tools) {
                if (!tool.path("type").asText().equals("function")) {
                    throw GatewayException.badRequest("tools: only function tools can be served by this model; "
                            + "'" + tool.path("type").asText() + "' is OpenAI's own.", "tools");
                }
                ObjectNode function = functions.addObject().put("type", "function").putObject("function");
                function.put("name", text(tool, "name"));
                for (String field : new String[] {"description", "parameters", "strict"}) {
                    if (tool.has(field) && !tool.get(field).isNull()) {
                        function.set(field, tool.get(field));
                    }
                }
            }
        }
        JsonNode choice = body.path("tool_choice");
        if (choice.isTextual()) {
            chat.set("tool_choice", choice);
        } else if (choice.path("type").asText().equals("function")) {
            chat.putObject("tool_choice").put("type", "function").putObject("function").put("name", text(choice, "name"));
        }
    }

    private static void format(JsonNode format, ObjectNode chat) {
        switch (format.path("type").asText("text")) {
            case "json_schema" -> {
                ObjectNode schema = chat.putObject("response_format").put("type", "json_schema").putObject("json_schema");
                for (String field : new String[] {"name", "schema", "strict", "description"}) {
                    if (format.has(field)) {
                        schema.set(field, format.get(field));
                    }
                }
            }
            case "json_object" -> chat.putObject("response_format").put("type", "json_object");
            default -> {
                // plain text: the default
            }
        }
    }

    private static String text(JsonNode node, String field) {
        if (!node.path(field).isTextual() || node.path(field).asText().isEmpty()) {
            throw GatewayException.badRequest("input: '" + field + "' is required in " + node.path("type").asText("an item")
                    + " items and tools.", "input");
        }
        return node.path(field).asText();
    }

    private static String outputText(JsonNode parts) {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : parts) {
            text.append(part.path("text").asText(""));
        }
        return text.toString();
    }
}
