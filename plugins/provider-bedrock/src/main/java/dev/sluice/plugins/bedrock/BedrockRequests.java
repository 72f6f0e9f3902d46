package dev.sluice.plugins.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.EndpointRequest;
import dev.sluice.api.GatewayException;
import java.util.Set;
import dev.sluice.plugins.kit.DataUrls;
import dev.sluice.plugins.kit.RequestChecks;

/**
 * Turns an OpenAI chat request into a Bedrock Converse request (its API reference): system and
 * developer messages into {@code system}; turns of {@code user} / {@code assistant} content
 * blocks ({@code text}, {@code image} from base64 data URLs, {@code toolUse},
 * {@code toolResult}); {@code toolConfig} from tools and {@code tool_choice};
 * {@code inferenceConfig} from {@code max_tokens}, temperature, {@code top_p} and {@code stop};
 * {@code response_format} as a forced tool whose input is the JSON answer (Converse has no JSON mode);
 * Anthropic's {@code top_k} and thinking through {@code additionalModelRequestFields}. Bedrock
 * fetches no image URLs, and neither does the gateway for it. Anything else is refused with a 400
 * naming it, or dropped with {@code drop_params: true}.
 */
final class BedrockRequests {

    private static final Set<String> HANDLED = Set.of("model", "messages", "stream", "stream_options", "max_tokens",
            "max_completion_tokens", "temperature", "top_p", "top_k", "stop", "tools", "tool_choice",
            "parallel_tool_calls", "response_format", "reasoning_effort", "user", "drop_params", "metadata", "n", "mock_response",
            "num_retries", "tags");

    /** The tool a {@code response_format} becomes; its input is the JSON answer. */
    static final String JSON_TOOL = "json_tool_call";

    private BedrockRequests() {
    }

    /** @return whether the caller asked for a JSON answer, which arrives as the JSON tool's input */
    static boolean wantsJson(ChatRequest request) {
        String type = request.body().path("response_format").path("type").asText("text");
        return type.equals("json_object") || type.equals("json_schema");
    }

    static ObjectNode converse(ChatRequest request, Deployment deployment, ObjectMapper json) {
        ObjectNode openAi = request.body();
        RequestChecks.unsupportedParams(openAi, HANDLED::contains, deployment);
        ObjectNode body = json.createObjectNode();
        ArrayNode system = json.createArrayNode();
        ArrayNode messages = body.putArray("messages");
        for (JsonNode message : request.messages()) {
            String role = message.path("role").asText();
            switch (role) {
                case "system", "developer" -> text(message.path("content"), system);
                case "user" -> userBlocks(message.path("content"), blocksOf(messages, "user"), json);
                case "assistant" -> assistantBlocks(message, blocksOf(messages, "assistant"), json);
                case "tool" -> blocksOf(messages, "user").addObject().putObject("toolResult")
                        .put("toolUseId", message.path("tool_call_id").asText())
                        .putArray("content").addObject().put("text", joined(message.path("content")));
                default -> throw GatewayException.badRequest("Message role '" + role + "' cannot be sent to bedrock; "
                        + "use system, user, assistant or tool.", "messages");
            }
        }
        if (!system.isEmpty()) {
            body.set("system", system);
        }
        ObjectNode inference = json.createObjectNode();
        for (String key : new String[] {"max_completion_tokens", "max_tokens"}) {
            if (openAi.path(key).canConvertToLong() && !inference.has("maxTokens")) {
                inference.put("maxTokens", openAi.path(key).asLong());
            }
        }
        copy(openAi, deployment, "temperature", inference, "temperature");
        copy(openAi, deployment, "top_p", inference, "topP");
        JsonNode stop = openAi.get("stop");
        if (stop != null && stop.isTextual()) {
            inference.putArray("stopSequences").add(stop.asText());
        } else if (stop != null && stop.isArray()) {
            inference.set("stopSequences", stop);
        }
        if (!inference.isEmpty()) {
            body.set("inferenceConfig", inference);
        }
        ObjectNode extra = json.createObjectNode();
        JsonNode topK = openAi.has("top_k") ? openAi.get("top_k") : deployment.extraParams().get("top_k");
        if (topK != null && topK.canConvertToInt()) {
            extra.put("top_k", topK.asInt());
        }
        String effort = openAi.path("reasoning_effort").asText("");
        if (!effort.isEmpty()) {
            int budget = effort.equals("high") ? 4096 : effort.equals("medium") ? 2048 : 1024;
            extra.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
        }
        if (!extra.isEmpty()) {
            body.set("additionalModelRequestFields", extra);
        }
        tools(openAi, body, json);
        return body;
    }

    private static void copy(ObjectNode openAi, Deployment deployment, String from, ObjectNode to, String toKey) {
        JsonNode value = openAi.has(from) ? openAi.get(from) : deployment.extraParams().get(from);
        if (value != null && value.isNumber()) {
            to.set(toKey, value);
        }
    }

    /** Bedrock wants turns to alternate: a message of the previous turn's role joins it. */
    private static ArrayNode blocksOf(ArrayNode messages, String role) {
        if (!messages.isEmpty() && messages.get(messages.size() - 1).path("role").asText().equals(role)) {
            return (ArrayNode) messages.get(messages.size() - 1).get("content");
        }
        return messages.addObject().put("role", role).putArray("content");
    }

    private static void text(JsonNode content, ArrayNode blocks) {
        String text = joined(content);
        if (!text.isEmpty()) {
            blocks.addObject().put("text", text);
        }
    }

    private static String joined(JsonNode content) {
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            content.forEach(part -> text.append(part.path("text").asText("")));
            return text.toString();
        }
        return content.asText("");
    }

    private static void userBlocks(JsonNode content, ArrayNode blocks, ObjectMapper json) {
        if (!content.isArray()) {
            blocks.addObject().put("text", content.asText(""));
            return;
        }
        for (JsonNode part : content) {
            switch (part.path("type").asText()) {
                case "text" -> blocks.addObject().put("text", part.path("text").asText());
                case "image_url" -> blocks.add(image(part.path("image_url"), json));
                default -> throw GatewayException.badRequest("Content part of type '" + part.path("type").asText()
                        + "' cannot be sent to bedrock; use text or image_url.", "messages");
            }
        }
    }

    private static ObjectNode image(JsonNode imageUrl, ObjectMapper json) {
        String url = imageUrl.isTextual() ? imageUrl.asText() : imageUrl.path("url").asText();
        DataUrls.DataUrl data = DataUrls.parse(url).filter(parsed -> parsed.mediaType().startsWith("image/"))
                .orElseThrow(() -> GatewayException.badRequest("bedrock takes images as base64 data URLs "
                        + "(data:image/png;base64,...); the gateway does not fetch image URLs for it.", "messages"));
        ObjectNode block = json.createObjectNode();
        block.putObject("image").put("format", data.mediaType().substring("image/".length()).replace("jpg", "jpeg"))
                .putObject("source").put("bytes", data.base64());
        return block;
    }

    private static void assistantBlocks(JsonNode message, ArrayNode blocks, ObjectMapper json) {
        text(message.path("content"), blocks);
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode use = blocks.addObject().putObject("toolUse").put("toolUseId", call.path("id").asText())
                    .put("name", call.path("function").path("name").asText());
            use.set("input", RequestChecks.toolArguments(call.path("function").path("arguments"), json));
        }
    }

    private static void tools(ObjectNode openAi, ObjectNode body, ObjectMapper json) {
        String format = openAi.path("response_format").path("type").asText("text");
        boolean jsonAnswer = format.equals("json_object") || format.equals("json_schema");
        if (!jsonAnswer && (!openAi.path("tools").isArray() || openAi.path("tools").isEmpty()
                || openAi.path("tool_choice").asText("").equals("none"))) {
            return;
        }
        ObjectNode config = body.putObject("toolConfig");
        ArrayNode tools = config.putArray("tools");
        if (jsonAnswer) {
            JsonNode schema = openAi.path("response_format").path("json_schema").path("schema");
            tools.addObject().putObject("toolSpec").put("name", JSON_TOOL)
                    .put("description", "Answer with this tool, its input being the answer.")
                    .putObject("inputSchema").set("json", schema.isObject() ? schema : json.createObjectNode().put("type", "object"));
            config.putObject("toolChoice").putObject("tool").put("name", JSON_TOOL);
            return;
        }
        for (JsonNode tool : openAi.path("tools")) {
            JsonNode function = tool.path("function");
            ObjectNode spec = tools.addObject().putObject("toolSpec").put("name", function.path("name").asText());
            if (function.path("description").isTextual()) {
                spec.put("description", function.path("description").asText());
            }
            spec.putObject("inputSchema").set("json", function.has("parameters") ? function.get("parameters")
                    : json.createObjectNode().put("type", "object"));
        }
        JsonNode choice = openAi.get("tool_choice");
        if (choice != null && choice.isTextual() && choice.asText().equals("required")) {
            config.putObject("toolChoice").putObject("any");
        } else if (choice != null && choice.isObject()) {
            config.putObject("toolChoice").putObject("tool").put("name", choice.path("function").path("name").asText());
        } else if (choice != null) {
            config.putObject("toolChoice").putObject("auto");
        }
    }

    /**
     * @return the {@code TEXT_IMAGE} task of Titan Image Generator and Nova Canvas for an OpenAI
     *         image generation request: {@code size} as width and height, {@code quality} hd as premium
     */
    static ObjectNode textToImage(dev.sluice.api.EndpointRequest request, ObjectMapper json) {
        JsonNode prompt = request.body().path("prompt");
        if (!prompt.isTextual() || prompt.asText().isBlank()) {
            throw GatewayException.badRequest("prompt: Field required: what the image should show.", "prompt");
        }
        String[] size = request.body().path("size").asText("1024x1024").split("x");
        int width;
        int height;
        try {
            width = Integer.parseInt(size[0].strip());
            height = Integer.parseInt(size[size.length - 1].strip());
        } catch (NumberFormatException e) {
            throw GatewayException.badRequest("size: expected WIDTHxHEIGHT, e.g. 1024x1024.", "size");
        }
        ObjectNode body = json.createObjectNode().put("taskType", "TEXT_IMAGE");
        body.putObject("textToImageParams").put("text", prompt.asText());
        body.putObject("imageGenerationConfig").put("numberOfImages", Math.max(1, request.body().path("n").asInt(1)))
                .put("width", width).put("height", height)
                .put("quality", request.body().path("quality").asText("standard").equals("hd") ? "premium" : "standard");
        return body;
    }

    /** @return the {@code invoke} body of Cohere Rerank and Amazon Rerank on Bedrock, from Cohere's request */
    static ObjectNode rerank(EndpointRequest request, String model, ObjectMapper json) {
        JsonNode query = request.body().path("query");
        JsonNode documents = request.body().path("documents");
        if (!query.isTextual() || !documents.isArray() || documents.isEmpty()) {
            throw GatewayException.badRequest("query and documents are required: a text and a list of documents.",
                    query.isTextual() ? "documents" : "query");
        }
        ObjectNode body = json.createObjectNode().put("query", query.asText());
        ArrayNode texts = body.putArray("documents");
        for (JsonNode document : documents) {
            texts.add(document.isTextual() ? document.asText() : document.path("text").asText());
        }
        body.put("top_n", request.body().path("top_n").asInt(documents.size()));
        if (model.startsWith("cohere.")) {
            body.put("api_version", 2);
        }
        return body;
    }
}
