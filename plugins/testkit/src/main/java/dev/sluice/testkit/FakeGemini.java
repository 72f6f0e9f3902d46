package dev.sluice.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake Gemini API (Google AI Studio), written from its API reference ("models.generateContent"
 * and "models.streamGenerateContent" with {@code alt=sse}: candidates of content parts,
 * {@code finishReason}, {@code usageMetadata} whose {@code promptTokenCount} includes
 * {@code cachedContentTokenCount} and whose {@code thoughtsTokenCount} is apart from
 * {@code candidatesTokenCount}; "models.batchEmbedContents"; errors as
 * {@code {"error":{"code","message","status"}}}). The key must come in {@code x-goog-api-key}
 * (a {@code key=} query parameter is refused here, since the gateway must never put it in a URL).
 */
public final class FakeGemini extends FakeUpstream {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile(".*/models/([^:/]+):(\\w+)");

    private volatile String reply = "Hello from the fake Gemini API.";
    private volatile long promptTokens = 11;
    private volatile long cachedTokens;
    private volatile long thoughtsTokens;
    private volatile String functionName;
    private volatile String functionArgs;
    private volatile boolean blockPrompt;
    private volatile String bearer;

    /** Starts a fake on a free loopback port. */
    public FakeGemini() {
    }

    /** Sets the reply (and ends {@link #replyWithFunctionCall}); streamed, it arrives one word per event. */
    public FakeGemini reply(String text) {
        this.reply = text;
        this.functionName = null;
        return this;
    }

    /** Sets the prompt tokens (cached ones included), how many were cached, and thinking tokens. */
    public FakeGemini tokens(long prompt, long cached, long thoughts) {
        this.promptTokens = prompt;
        this.cachedTokens = cached;
        this.thoughtsTokens = thoughts;
        return this;
    }

    /** Makes every answer a call of this function with these JSON arguments. */
    public FakeGemini replyWithFunctionCall(String name, String argsJson) {
        this.functionName = name;
        this.functionArgs = argsJson;
        return this;
    }

    /**
     * Also accepts this OAuth token as {@code Authorization: Bearer}, as Vertex AI takes a
     * service account's token at {@code /v1/projects/{p}/locations/{l}/publishers/google/models/...}.
     */
    public FakeGemini acceptBearer(String token) {
        this.bearer = token;
        return this;
    }

    /** Makes every answer a prompt blocked for safety: no candidates, {@code promptFeedback.blockReason}. */
    public FakeGemini blockPrompts() {
        this.blockPrompt = true;
        return this;
    }

    @Override
    protected void handle(RecordedRequest request, HttpExchange exchange) throws IOException {
        Matcher path = PATH.matcher(request.path().replaceFirst("\\?.*$", ""));
        boolean bearerOk = bearer != null && request.header("authorization").orElse("").equals("Bearer " + bearer);
        if (request.path().contains("key=") || (request.header("x-goog-api-key").isEmpty() && !bearerOk)) {
            sendJson(exchange, 403, error(403, "Method doesn't allow unregistered callers (callers without established "
                    + "identity). Please use API Key or other form of API consumer identity to call this API.",
                    "PERMISSION_DENIED"));
            return;
        }
        if (!path.matches()) {
            sendJson(exchange, 404, error(404, "Not found", "NOT_FOUND"));
            return;
        }
        JsonNode body = JSON.readTree(request.body());
        switch (path.group(2)) {
            case "generateContent" -> sendJson(exchange, 200, JSON.writeValueAsString(answer(path.group(1), true)));
            case "streamGenerateContent" -> stream(path.group(1), exchange);
            case "batchEmbedContents" -> sendJson(exchange, 200, JSON.writeValueAsString(embeddings(body)));
            case "predict" -> sendJson(exchange, 200, JSON.writeValueAsString(predictions(body)));
            default -> sendJson(exchange, 404, error(404, "Method not found", "NOT_FOUND"));
        }
    }

    @Override
    protected String badRequestBody() {
        return error(400, "Invalid value at 'generation_config.temperature' (TYPE_FLOAT), \"hot\"", "INVALID_ARGUMENT");
    }

    @Override
    protected String errorBody(int status) {
        return switch (status) {
            case 400 -> error(400, "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
                    "INVALID_ARGUMENT");
            case 401 -> error(401, "API key not valid. Please pass a valid API key.", "UNAUTHENTICATED");
            case 429 -> error(429, "Resource has been exhausted (e.g. check quota).", "RESOURCE_EXHAUSTED");
            case 503 -> error(503, "The model is overloaded. Please try again later.", "UNAVAILABLE");
            default -> error(500, "An internal error has occurred.", "INTERNAL");
        };
    }

    private static String error(int code, String message, String status) {
        return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"status\":\"" + status + "\"}}";
    }

    private List<String> words() {
        return List.of(reply.split(" "));
    }

    private ObjectNode usage(boolean complete) {
        ObjectNode usage = JSON.createObjectNode().put("promptTokenCount", promptTokens);
        long candidates = functionName != null ? 5 : words().size();
        if (complete) {
            usage.put("candidatesTokenCount", candidates);
        }
        if (cachedTokens > 0) {
            usage.put("cachedContentTokenCount", cachedTokens);
        }
        if (thoughtsTokens > 0) {
            usage.put("thoughtsTokenCount", thoughtsTokens);
        }
        usage.put("totalTokenCount", promptTokens + (complete ? candidates : 0) + thoughtsTokens);
        return usage;
    }

    private ObjectNode answer(String model, boolean whole) throws IOException {
        ObjectNode answer = JSON.createObjectNode();
        if (blockPrompt) {
            answer.putObject("promptFeedback").put("blockReason", "SAFETY");
            answer.set("usageMetadata", usage(false));
            answer.put("modelVersion", model);
            return answer;
        }
        ObjectNode candidate = answer.putArray("candidates").addObject();
        ArrayNode parts = candidate.putObject("content").put("role", "model").putArray("parts");
        if (functionName != null) {
            parts.addObject().putObject("functionCall").put("name", functionName).set("args", JSON.readTree(functionArgs));
        } else if (whole) {
            parts.addObject().put("text", reply);
        }
        candidate.put("finishReason", "STOP").put("index", 0);
        answer.set("usageMetadata", usage(true));
        answer.put("modelVersion", model);
        answer.put("responseId", "fake-response-01");
        return answer;
    }

    private void stream(String model, HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        if (functionName == null && !blockPrompt) {
            List<String> words = words();
            for (int i = 0; i < words.size() - 1; i++) {
                ObjectNode event = JSON.createObjectNode();
                event.putArray("candidates").addObject().put("index", 0).putObject("content").put("role", "model")
                        .putArray("parts").addObject().put("text", i == 0 ? words.get(i) : " " + words.get(i));
                event.set("usageMetadata", usage(false));
                event.put("modelVersion", model);
                write(out, event);
            }
            ObjectNode last = answer(model, false);
            ((ArrayNode) last.path("candidates").get(0).path("content").path("parts"))
                    .addObject().put("text", " " + words.getLast());
            write(out, last);
        } else {
            write(out, answer(model, true));
        }
        out.close();
    }

    private ObjectNode embeddings(JsonNode request) {
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode embeddings = answer.putArray("embeddings");
        for (int i = 0; i < request.path("requests").size(); i++) {
            embeddings.addObject().putArray("values").add(0.013168523).add(-0.008711934).add(-0.046782676 + i);
        }
        return answer;
    }

    /** Vertex AI's text embeddings ({@code :predict}): one prediction per instance, with its token count. */
    private ObjectNode predictions(JsonNode request) {
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode predictions = answer.putArray("predictions");
        if (request.path("instances").path(0).has("prompt")) { // Imagen: sampleCount images of the prompt
            for (int i = 0; i < request.path("parameters").path("sampleCount").asInt(1); i++) {
                predictions.addObject().put("bytesBase64Encoded", "iVBORw0KGgo" + i).put("mimeType", "image/png");
            }
            return answer;
        }
        for (JsonNode instance : request.path("instances")) {
            ObjectNode embeddings = predictions.addObject().putObject("embeddings");
            embeddings.putArray("values").add(0.021).add(-0.033).add(0.047);
            embeddings.putObject("statistics").put("truncated", false)
                    .put("token_count", instance.path("content").asText().split(" ").length);
        }
        return answer;
    }

    private static void write(OutputStream out, JsonNode event) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(event) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
