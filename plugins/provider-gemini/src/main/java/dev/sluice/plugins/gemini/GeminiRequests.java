package dev.sluice.plugins.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.GatewayException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import dev.sluice.plugins.kit.DataUrls;
import dev.sluice.plugins.kit.RequestChecks;

/**
 * Turns OpenAI requests into Gemini's {@code GenerateContentRequest} (its API reference):
 * system and developer messages into {@code systemInstruction}; user and assistant turns into
 * {@code contents} of role {@code user} / {@code model} with text, {@code inlineData} (base64
 * images) and {@code fileData} (image URLs) parts; assistant tool calls into
 * {@code functionCall} parts and tool results into {@code functionResponse} parts (named after
 * the call they answer, since Gemini matches by name); tools into
 * {@code functionDeclarations}, {@code tool_choice} into {@code functionCallingConfig};
 * sampling, {@code stop}, {@code n}, {@code max_tokens}, {@code seed}, penalties and
 * {@code response_format} into {@code generationConfig}; {@code reasoning_effort} into a
 * thinking budget. Anything else is refused with a 400 naming it, or dropped with
 * {@code drop_params: true}.
 */
final class GeminiRequests {

    private static final Map<String, String> GENERATION = Map.of("temperature", "temperature", "top_p", "topP",
            "top_k", "topK", "max_tokens", "maxOutputTokens", "max_completion_tokens", "maxOutputTokens",
            "n", "candidateCount", "seed", "seed", "presence_penalty", "presencePenalty",
            "frequency_penalty", "frequencyPenalty");
    private static final Set<String> HANDLED = Set.of("model", "messages", "stream", "stream_options", "stop", "tools",
            "tool_choice", "parallel_tool_calls", "response_format", "reasoning_effort", "user", "drop_params",
            "metadata", "mock_response", "num_retries", "tags", "safety_settings");
    private static final Map<String, Integer> THINKING_BUDGETS = Map.of("minimal", 128, "low", 1024, "medium", 8192,
            "high", 24576);

    private GeminiRequests() {
    }

    static ObjectNode generate(ChatRequest request, Deployment deployment, ObjectMapper json) {
        ObjectNode openAi = request.body();
        RequestChecks.unsupportedParams(openAi, key -> HANDLED.contains(key) || GENERATION.containsKey(key), deployment);
        ObjectNode body = json.createObjectNode();
        ArrayNode system = json.createArrayNode();
        body.set("contents", contents(request.messages(), system, json));
        if (!system.isEmpty()) {
            body.putObject("systemInstruction").set("parts", system);
        }
        tools(openAi, body, json);
        ObjectNode generation = generationConfig(openAi, deployment, json);
        if (!generation.isEmpty()) {
            body.set("generationConfig", generation);
        }
        JsonNode safety = openAi.has("safety_settings") ? openAi.get("safety_settings")
                : deployment.extraParams().get("safety_settings");
        if (safety != null && safety.isArray()) {
            body.set("safetySettings", safety);
        }
        return body;
    }

    static ObjectNode embed(EmbeddingRequest request, Deployment deployment, ObjectMapper json) {
        JsonNode input = request.body().get("input");
        ObjectNode body = json.createObjectNode();
        ArrayNode requests = body.putArray("requests");
        for (JsonNode text : input.isArray() ? input : json.createArrayNode().add(input)) {
            if (!text.isTextual()) {
                throw GatewayException.badRequest("gemini embeds text: pass a string or an array of strings.", "input");
            }
            ObjectNode one = requests.addObject().put("model", "models/" + deployment.providerModel());
            one.putObject("content").putArray("parts").addObject().put("text", text.asText());
            if (request.body().path("dimensions").canConvertToInt()) {
                one.put("outputDimensionality", request.body().path("dimensions").asInt());
            }
        }
        return body;
    }

    /** @return Vertex AI's text-embedding {@code :predict} request: one instance per input */
    static ObjectNode predict(EmbeddingRequest request, ObjectMapper json) {
        JsonNode input = request.body().get("input");
        ObjectNode body = json.createObjectNode();
        ArrayNode instances = body.putArray("instances");
        for (JsonNode text : input.isArray() ? input : json.createArrayNode().add(input)) {
            if (!text.isTextual()) {
                throw GatewayException.badRequest("vertex_ai embeds text: pass a string or an array of strings.", "input");
            }
            instances.addObject().put("content", text.asText());
        }
        if (request.body().path("dimensions").canConvertToInt()) {
            body.putObject("parameters").put("outputDimensionality", request.body().path("dimensions").asInt());
        }
        return body;
    }

    private static ArrayNode contents(ArrayNode messages, ArrayNode system, ObjectMapper json) {
        ArrayNode contents = json.createArrayNode();
        Map<String, String> toolNames = new HashMap<>();
        for (JsonNode message : messages) {
            String role = message.path("role").asText();
            switch (role) {
                case "system", "developer" -> textParts(message.path("content"), system);
                case "user" -> partsOf(contents, "user").addAll(userParts(message.path("content"), json));
                case "assistant" -> {
                    ArrayNode parts = partsOf(contents, "model");
                    textParts(message.path("content"), parts);
                    for (JsonNode call : message.path("tool_calls")) {
                        String name = call.path("function").path("name").asText();
                        toolNames.put(call.path("id").asText(), name);
                        parts.addObject().putObject("functionCall").put("name", name)
                                .set("args", RequestChecks.toolArguments(call.path("function").path("arguments"), json));
                    }
                }
                case "tool" -> {
                    String name = toolNames.getOrDefault(message.path("tool_call_id").asText(),
                            message.path("name").asText(""));
                    if (name.isEmpty()) {
                        throw GatewayException.badRequest("A tool message must answer a tool call of an earlier "
                                + "assistant message (gemini matches results to calls by function name).", "messages");
                    }
                    ObjectNode response = partsOf(contents, "user").addObject().putObject("functionResponse")
                            .put("name", name);
                    response.putObject("response").put("content", text(message.path("content")));
                }
                default -> throw GatewayException.badRequest("Message role '" + role + "' cannot be sent to gemini; "
                        + "use system, user, assistant or tool.", "messages");
            }
        }
        return contents;
    }

    /** Gemini wants turns to alternate: a message of the previous turn's role joins it. */
    private static ArrayNode partsOf(ArrayNode contents, String role) {
        if (!contents.isEmpty() && contents.get(contents.size() - 1).path("role").asText().equals(role)) {
            return (ArrayNode) contents.get(contents.size() - 1).get("parts");
        }
        return contents.addObject().put("role", role).putArray("parts");
    }

    private static String text(JsonNode content) {
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            content.forEach(part -> text.append(part.path("text").asText("")));
            return text.toString();
        }
        return content.asText("");
    }

    private static void textParts(JsonNode content, ArrayNode parts) {
        if (content.isTextual() && !content.asText().isEmpty()) {
            parts.addObject().put("text", content.asText());
        } else if (content.isArray()) {
            for (JsonNode part : content) {
                if (part.path("type").asText().equals("text")) {
                    parts.addObject().put("text", part.path("text").asText());
                }
            }
        }
    }

    private static java.util.List<JsonNode> userParts(JsonNode content, ObjectMapper json) {
        ArrayNode parts = json.createArrayNode();
        if (!content.isArray()) {
            parts.addObject().put("text", content.asText(""));
        } else {
            for (JsonNode part : content) {
                switch (part.path("type").asText()) {
                    case "text" -> parts.addObject().put("text", part.path("text").asText());
                    case "image_url" -> parts.add(image(part.path("image_url"), json));
                    default -> throw GatewayException.badRequest("Content part of type '" + part.path("type").asText()
                            + "' cannot be sent to gemini; use text or image_url.", "messages");
                }
            }
        }
        java.util.List<JsonNode> list = new java.util.ArrayList<>();
        parts.forEach(list::add);
        return list;
    }

    private static ObjectNode image(JsonNode imageUrl, ObjectMapper json) {
        String url = imageUrl.isTextual() ? imageUrl.asText() : imageUrl.path("url").asText();
        ObjectNode part = json.createObjectNode();
        Optional<DataUrls.DataUrl> data = DataUrls.parse(url);
        if (data.isPresent()) {
            part.putObject("inlineData").put("mimeType", data.get().mediaType()).put("data", data.get().base64());
        } else {
            String format = imageUrl.path("format").asText(guessMimeType(url));
            part.putObject("fileData").put("mimeType", format).put("fileUri", url);
        }
        return part;
    }

    private static String guessMimeType(String url) {
        String path = url.replaceFirst("[?#].*$", "").toLowerCase(java.util.Locale.ROOT);
        if (path.endsWith(".png")) {
            return "image/png";
        }
        if (path.endsWith(".webp")) {
            return "image/webp";
        }
        if (path.endsWith(".gif")) {
            return "image/gif";
        }
        return "image/jpeg";
    }

    private static void tools(ObjectNode openAi, ObjectNode body, ObjectMapper json) {
        ArrayNode declarations = json.createArrayNode();
        for (JsonNode tool : openAi.path("tools")) {
            JsonNode function = tool.path("function");
            ObjectNode declaration = declarations.addObject().put("name", function.path("name").asText());
            if (function.path("description").isTextual()) {
                declaration.put("description", function.path("description").asText());
            }
            if (function.has("parameters")) {
                declaration.set("parametersJsonSchema", function.get("parameters"));
            }
        }
        if (!declarations.isEmpty()) {
            body.putArray("tools").addObject().set("functionDeclarations", declarations);
        }
        JsonNode choice = openAi.get("tool_choice");
        if (choice == null || choice.isNull()) {
            return;
        }
        ObjectNode config = json.createObjectNode();
        if (choice.isTextual()) {
            config.put("mode", switch (choice.asText()) {
                case "required" -> "ANY";
                case "none" -> "NONE";
                default -> "AUTO";
            });
        } else {
            config.put("mode", "ANY").putArray("allowedFunctionNames").add(choice.path("function").path("name").asText());
        }
        body.putObject("toolConfig").set("functionCallingConfig", config);
    }

    private static ObjectNode generationConfig(ObjectNode openAi, Deployment deployment, ObjectMapper json) {
        ObjectNode config = json.createObjectNode();
        GENERATION.forEach((openAiKey, geminiKey) -> {
            JsonNode value = openAi.has(openAiKey) ? openAi.get(openAiKey) : deployment.extraParams().get(openAiKey);
            if (value != null && !value.isNull() && !config.has(geminiKey)) {
                config.set(geminiKey, value);
            }
        });
        JsonNode stop = openAi.get("stop");
        if (stop != null && stop.isTextual()) {
            config.putArray("stopSequences").add(stop.asText());
        } else if (stop != null && stop.isArray()) {
            config.set("stopSequences", stop);
        }
        JsonNode format = openAi.path("response_format");
        switch (format.path("type").asText("text")) {
            case "json_object" -> config.put("responseMimeType", "application/json");
            case "json_schema" -> {
                config.put("responseMimeType", "application/json");
                if (format.path("json_schema").path("schema").isObject()) {
                    config.set("responseJsonSchema", format.path("json_schema").path("schema"));
                }
            }
            default -> {
            }
        }
        JsonNode effort = openAi.get("reasoning_effort");
        if (effort != null && THINKING_BUDGETS.containsKey(effort.asText())) {
            config.putObject("thinkingConfig").put("thinkingBudget", THINKING_BUDGETS.get(effort.asText()))
                    .put("includeThoughts", true);
        }
        return config;
    }

    /** OpenAI's image sizes as Imagen's aspect ratios. */
    private static final java.util.Map<String, String> ASPECT_RATIOS = java.util.Map.of("1024x1024", "1:1",
            "256x256", "1:1", "512x512", "1:1", "1792x1024", "16:9", "1024x1792", "9:16", "1536x1024", "3:2",
            "1024x1536", "2:3");

    /** @return Imagen's {@code :predict} body for an OpenAI image generation request */
    static ObjectNode imagen(dev.sluice.api.EndpointRequest request, ObjectMapper json) {
        JsonNode prompt = request.body().path("prompt");
        if (!prompt.isTextual() || prompt.asText().isBlank()) {
            throw GatewayException.badRequest("prompt: Field required: what the image should show.", "prompt");
        }
        ObjectNode body = json.createObjectNode();
        body.putArray("instances").addObject().put("prompt", prompt.asText());
        ObjectNode parameters = body.putObject("parameters").put("sampleCount", Math.max(1,
                request.body().path("n").asInt(1)));
        String size = request.body().path("size").asText("1024x1024");
        String ratio = ASPECT_RATIOS.get(size);
        if (ratio == null && !size.equals("auto")) {
            throw GatewayException.badRequest("size: Imagen takes " + new java.util.TreeSet<>(ASPECT_RATIOS.keySet())
                    + " (as aspect ratios), not '" + size + "'.", "size");
        }
        if (ratio != null) {
            parameters.put("aspectRatio", ratio);
        }
        return body;
    }
}
