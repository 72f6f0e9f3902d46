package dev.sluice.plugins.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.GatewayException;
import java.util.Map;
import java.util.Set;
import dev.sluice.plugins.kit.DataUrls;
import dev.sluice.plugins.kit.RequestChecks;

/**
 * Turns OpenAI requests into Ollama's native ones (its API reference, docs/api.md): chat
 * messages keep their roles, text parts are joined, base64 images go to {@code images}, tool
 * calls carry their arguments as objects; sampling parameters go to {@code options}
 * ({@code max_tokens} is {@code num_predict}); {@code response_format} becomes {@code format}
 * ({@code "json"} or the schema); {@code reasoning_effort} turns {@code think} on. Ollama fetches
 * no image URLs, and the gateway does not fetch them for it. Anything else is refused with a 400
 * naming it, or dropped with {@code drop_params: true}.
 */
final class OllamaRequests {

    /** OpenAI parameters and where they go in Ollama's {@code options}. */
    private static final Map<String, String> OPTIONS = Map.of("temperature", "temperature", "top_p", "top_p",
            "seed", "seed", "frequency_penalty", "frequency_penalty", "presence_penalty", "presence_penalty",
            "max_tokens", "num_predict", "max_completion_tokens", "num_predict", "top_k", "top_k");
    private static final Set<String> HANDLED = Set.of("model", "messages", "stream", "stream_options", "stop", "tools",
            "tool_choice", "parallel_tool_calls", "response_format", "reasoning_effort", "user", "drop_params",
            "metadata", "n", "mock_response", "num_retries", "tags", "keep_alive", "options");

    private OllamaRequests() {
    }

    static ObjectNode chat(ChatRequest request, Deployment deployment, boolean stream, ObjectMapper json) {
        ObjectNode openAi = request.body();
        refuseUnsupported(openAi, deployment);
        ObjectNode body = json.createObjectNode();
        body.put("model", deployment.providerModel());
        ArrayNode messages = body.putArray("messages");
        for (JsonNode message : request.messages()) {
            messages.add(message(message, json));
        }
        tools(openAi, body);
        format(openAi, body, json);
        if (openAi.has("reasoning_effort")) {
            body.put("think", true);
        }
        ObjectNode options = options(openAi, deployment, json);
        JsonNode stop = openAi.get("stop");
        if (stop != null && stop.isTextual()) {
            options.putArray("stop").add(stop.asText());
        } else if (stop != null && stop.isArray()) {
            options.set("stop", stop);
        }
        if (!options.isEmpty()) {
            body.set("options", options);
        }
        keepAlive(openAi, deployment, body);
        body.put("stream", stream);
        return body;
    }

    static ObjectNode embed(EmbeddingRequest request, Deployment deployment, ObjectMapper json) {
        ObjectNode openAi = request.body();
        String encoding = openAi.path("encoding_format").asText("float");
        if (!encoding.equals("float") && !RequestChecks.dropParams(openAi, deployment)) {
            throw GatewayException.badRequest("ollama returns float embeddings only; leave out encoding_format or set "
                    + "it to float.", "encoding_format");
        }
        ObjectNode body = json.createObjectNode().put("model", deployment.providerModel());
        body.set("input", openAi.get("input"));
        if (openAi.path("dimensions").canConvertToInt()) {
            body.put("dimensions", openAi.path("dimensions").asInt());
        }
        keepAlive(openAi, deployment, body);
        return body;
    }

    private static void refuseUnsupported(ObjectNode openAi, Deployment deployment) {
        RequestChecks.unsupportedParams(openAi, key -> (HANDLED.contains(key) || OPTIONS.containsKey(key))
                && !(key.equals("tool_choice") && !openAi.path("tool_choice").asText("auto").equals("auto")), deployment);
    }

    private static ObjectNode message(JsonNode openAi, ObjectMapper json) {
        ObjectNode message = json.createObjectNode().put("role", openAi.path("role").asText());
        JsonNode content = openAi.path("content");
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            ArrayNode images = json.createArrayNode();
            for (JsonNode part : content) {
                switch (part.path("type").asText()) {
                    case "text" -> text.append(text.isEmpty() ? "" : "\n").append(part.path("text").asText());
                    case "image_url" -> images.add(base64Image(part.path("image_url")));
                    default -> throw GatewayException.badRequest("Content part of type '" + part.path("type").asText()
                            + "' cannot be sent to ollama; use text or image_url.", "messages");
                }
            }
            message.put("content", text.toString());
            if (!images.isEmpty()) {
                message.set("images", images);
            }
        } else {
            message.put("content", content.asText(""));
        }
        if (openAi.has("tool_calls")) {
            ArrayNode calls = message.putArray("tool_calls");
            for (JsonNode call : openAi.path("tool_calls")) {
                ObjectNode function = calls.addObject().putObject("function");
                function.put("name", call.path("function").path("name").asText());
                function.set("arguments", RequestChecks.toolArguments(call.path("function").path("arguments"), json));
            }
        }
        if (openAi.path("role").asText().equals("tool") && openAi.has("name")) {
            message.put("tool_name", openAi.path("name").asText());
        }
        return message;
    }

    private static String base64Image(JsonNode imageUrl) {
        String url = imageUrl.isTextual() ? imageUrl.asText() : imageUrl.path("url").asText();
        return DataUrls.parse(url).map(DataUrls.DataUrl::base64).orElseThrow(() -> GatewayException.badRequest(
                "ollama takes images as base64 data URLs (data:image/png;base64,...); the gateway does not fetch "
                        + "image URLs for it.", "messages"));
    }

    private static void tools(ObjectNode openAi, ObjectNode body) {
        if (openAi.path("tools").isArray() && !openAi.path("tools").isEmpty()) {
            body.set("tools", openAi.get("tools")); // Ollama takes OpenAI's tool shape as it is
        }
    }

    private static void format(ObjectNode openAi, ObjectNode body, ObjectMapper json) {
        JsonNode format = openAi.path("response_format");
        switch (format.path("type").asText("text")) {
            case "json_object" -> body.put("format", "json");
            case "json_schema" -> body.set("format", format.path("json_schema").path("schema").isObject()
                    ? format.path("json_schema").path("schema") : json.getNodeFactory().textNode("json"));
            default -> {
            }
        }
    }

    private static ObjectNode options(ObjectNode openAi, Deployment deployment, ObjectMapper json) {
        ObjectNode options = openAi.path("options").isObject() ? ((ObjectNode) openAi.get("options")).deepCopy()
                : json.createObjectNode();
        OPTIONS.forEach((openAiKey, ollamaKey) -> {
            JsonNode value = openAi.get(openAiKey);
            if (value == null) {
                value = deployment.extraParams().get(openAiKey);
            }
            if (value != null && !value.isNull() && !options.has(ollamaKey)) {
                options.set(ollamaKey, value);
            }
        });
        return options;
    }

    private static void keepAlive(ObjectNode openAi, Deployment deployment, ObjectNode body) {
        JsonNode keepAlive = openAi.has("keep_alive") ? openAi.get("keep_alive") : deployment.extraParams().get("keep_alive");
        if (keepAlive != null && !keepAlive.isNull()) {
            body.set("keep_alive", keepAlive);
        }
    }
}
