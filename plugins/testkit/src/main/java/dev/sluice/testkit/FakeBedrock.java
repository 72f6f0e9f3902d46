package dev.sluice.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * A fake Amazon Bedrock runtime, written from the Bedrock API reference ("Converse" and
 * "ConverseStream": messages of content blocks, {@code output.message}, {@code stopReason},
 * {@code usage}; the stream's {@code messageStart}, {@code contentBlockStart},
 * {@code contentBlockDelta}, {@code contentBlockStop}, {@code messageStop} and {@code metadata}
 * events in the {@code application/vnd.amazon.eventstream} framing; errors as
 * {@code {"message"}} with {@code x-amzn-ErrorType}; "InvokeModel" with the Titan Text Embeddings V2
 * body, {@code inputText} in, {@code embedding} and {@code inputTextTokenCount} out) and the AWS
 * "Signature Version 4" reference.
 *
 * <p>Every request's SigV4 signature is checked against the credentials given to
 * {@link #expectCredentials}, by an implementation of the documented algorithm written here,
 * independently of the signer the plugin uses; a wrong signature gets the API's 403
 * {@code SignatureDoesNotMatch}-style answer. Event-stream frames are encoded here as well
 * (prelude, headers, payload, CRC32s).
 */
public final class FakeBedrock extends FakeUpstream {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile("/model/([^/]+)/(converse|converse-stream|invoke)");

    private volatile String accessKey = "AKIDEXAMPLE";
    private volatile String secretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private volatile String reply = "Hello from the fake Bedrock runtime.";
    private volatile String toolName;
    private volatile String toolInput;
    private volatile String lastSignedRegion;
    private volatile String apiKey;

    /** Starts a fake on a free loopback port. */
    public FakeBedrock() {
    }

    /** Sets the credentials requests must be signed with. */
    public FakeBedrock expectCredentials(String accessKeyId, String secretAccessKey) {
        this.accessKey = accessKeyId;
        this.secretKey = secretAccessKey;
        return this;
    }

    /** Also accepts a Bedrock API key, sent as {@code Authorization: Bearer}, instead of a signature. */
    public FakeBedrock expectApiKey(String key) {
        this.apiKey = key;
        return this;
    }

    /** Sets the reply; streamed, one word per delta. */
    public FakeBedrock reply(String text) {
        this.reply = text;
        return this;
    }

    /** Makes every answer a use of this tool with this JSON input. */
    public FakeBedrock replyWithToolUse(String name, String inputJson) {
        this.toolName = name;
        this.toolInput = inputJson;
        return this;
    }

    /** @return the region the last request was signed for */
    public String lastSignedRegion() {
        return lastSignedRegion;
    }

    @Override
    protected void handle(RecordedRequest request, HttpExchange exchange) throws IOException {
        String rawPath = exchange.getRequestURI().getRawPath();
        String signatureProblem = verifySignature(request, rawPath);
        if (signatureProblem != null) {
            exchange.getResponseHeaders().add("x-amzn-ErrorType", "InvalidSignatureException");
            sendJson(exchange, 403, "{\"message\":\"" + signatureProblem + "\"}");
            return;
        }
        Matcher path = PATH.matcher(java.net.URLDecoder.decode(rawPath, StandardCharsets.UTF_8));
        if (!path.matches()) {
            exchange.getResponseHeaders().add("x-amzn-ErrorType", "UnknownOperationException");
            sendJson(exchange, 404, "{\"message\":\"Unknown operation\"}");
            return;
        }
        JsonNode body = JSON.readTree(request.body());
        if (path.group(2).equals("invoke") && body.has("query") && body.has("documents")) {
            // Cohere Rerank / Amazon Rerank: documents scored by how many words of the query they share
            Set<String> words = new HashSet<>(List.of(body.path("query").asText()
                    .toLowerCase(Locale.ROOT).split("\\W+")));
            List<ObjectNode> results = new ArrayList<>();
            int index = 0;
            for (JsonNode document : body.path("documents")) {
                long shared = Arrays.stream(document.asText().toLowerCase(Locale.ROOT).split("\\W+"))
                        .filter(words::contains).count();
                results.add(JSON.createObjectNode().put("index", index++).put("relevance_score", shared / 10.0));
            }
            results.sort((a, b) -> Double.compare(b.path("relevance_score").asDouble(),
                    a.path("relevance_score").asDouble()));
            ObjectNode answer = JSON.createObjectNode().put("id", "rerank-fake");
            results.stream().limit(body.path("top_n").asInt(results.size())).forEach(answer.putArray("results")::add);
            sendJson(exchange, 200, JSON.writeValueAsString(answer));
            return;
        }
        if (path.group(2).equals("invoke") && body.path("taskType").asText().equals("TEXT_IMAGE")) {
            ObjectNode images = JSON.createObjectNode(); // Titan Image Generator's and Nova Canvas's answer
            for (int i = 0; i < body.path("imageGenerationConfig").path("numberOfImages").asInt(1); i++) {
                images.withArray("images").add("iVBORw0KGgo" + i);
            }
            images.putNull("error");
            sendJson(exchange, 200, JSON.writeValueAsString(images));
            return;
        }
        if (path.group(2).equals("invoke")) {
            ObjectNode embedding = JSON.createObjectNode();
            embedding.putArray("embedding").add(0.0123).add(-0.0456).add(0.0789);
            embedding.put("inputTextTokenCount", body.path("inputText").asText().split(" ").length);
            sendJson(exchange, 200, JSON.writeValueAsString(embedding));
            return;
        }
        if (!body.path("messages").isArray()) {
            exchange.getResponseHeaders().add("x-amzn-ErrorType", "ValidationException");
            sendJson(exchange, 400, "{\"message\":\"messages is required\"}");
            return;
        }
        if (path.group(2).equals("converse")) {
            sendJson(exchange, 200, JSON.writeValueAsString(converse()));
        } else {
            stream(exchange);
        }
    }

    @Override
    protected String badRequestBody() {
        return "{\"message\":\"The provided inference configurations are invalid: temperature must be at most 1.\"}";
    }

    @Override
    protected String errorBody(int status) {
        return switch (status) {
            case 400 -> "{\"message\":\"Input is too long for requested model.\"}";
            case 403 -> "{\"message\":\"The security token included in the request is invalid.\"}";
            case 429 -> "{\"message\":\"Too many requests, please wait before trying again.\"}";
            case 503 -> "{\"message\":\"Bedrock is unable to process your request.\"}";
            default -> "{\"message\":\"The server encountered an internal error while processing the request.\"}";
        };
    }

    private ObjectNode usage() {
        long output = toolName != null ? 7 : reply.split(" ").length;
        return JSON.createObjectNode().put("inputTokens", 17).put("outputTokens", output).put("totalTokens", 17 + output);
    }

    private ObjectNode converse() throws IOException {
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode content = answer.putObject("output").putObject("message").put("role", "assistant").putArray("content");
        if (toolName != null) {
            content.addObject().putObject("toolUse").put("toolUseId", "tooluse_fake01").put("name", toolName)
                    .set("input", JSON.readTree(toolInput));
            answer.put("stopReason", "tool_use");
        } else {
            content.addObject().put("text", reply);
            answer.put("stopReason", "end_turn");
        }
        answer.set("usage", usage());
        answer.putObject("metrics").put("latencyMs", 321);
        return answer;
    }

    private void stream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.amazon.eventstream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        frame(out, "messageStart", JSON.createObjectNode().put("role", "assistant"));
        if (toolName != null) {
            ObjectNode start = JSON.createObjectNode().put("contentBlockIndex", 0);
            start.putObject("start").putObject("toolUse").put("toolUseId", "tooluse_fake01").put("name", toolName);
            frame(out, "contentBlockStart", start);
            int half = toolInput.length() / 2;
            for (String part : List.of(toolInput.substring(0, half), toolInput.substring(half))) {
                ObjectNode delta = JSON.createObjectNode().put("contentBlockIndex", 0);
                delta.putObject("delta").putObject("toolUse").put("input", part);
                frame(out, "contentBlockDelta", delta);
            }
        } else {
            String[] words = reply.split(" ");
            for (int i = 0; i < words.length; i++) {
                ObjectNode delta = JSON.createObjectNode().put("contentBlockIndex", 0);
                delta.putObject("delta").put("text", i == 0 ? words[i] : " " + words[i]);
                frame(out, "contentBlockDelta", delta);
            }
        }
        frame(out, "contentBlockStop", JSON.createObjectNode().put("contentBlockIndex", 0));
        frame(out, "messageStop", JSON.createObjectNode().put("stopReason", toolName != null ? "tool_use" : "end_turn"));
        ObjectNode metadata = JSON.createObjectNode();
        metadata.set("usage", usage());
        metadata.putObject("metrics").put("latencyMs", 321);
        frame(out, "metadata", metadata);
        out.close();
    }

    /** One event-stream message: total length, headers length, prelude CRC, headers, payload, message CRC. */
    private static void frame(OutputStream out, String eventType, JsonNode payload) throws IOException {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        for (Map.Entry<String, String> header : Map.of(":event-type", eventType, ":content-type", "application/json",
                ":message-type", "event").entrySet()) {
            byte[] name = header.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] value = header.getValue().getBytes(StandardCharsets.UTF_8);
            headers.write(name.length);
            headers.write(name);
            headers.write(7); // string
            headers.write(value.length >> 8);
            headers.write(value.length & 0xff);
            headers.write(value);
        }
        byte[] body = JSON.writeValueAsBytes(payload);
        int total = 12 + headers.size() + body.length + 4;
        ByteBuffer message = ByteBuffer.allocate(total);
        message.putInt(total).putInt(headers.size());
        CRC32 preludeCrc = new CRC32();
        preludeCrc.update(message.array(), 0, 8);
        message.putInt((int) preludeCrc.getValue());
        message.put(headers.toByteArray()).put(body);
        CRC32 messageCrc = new CRC32();
        messageCrc.update(message.array(), 0, total - 4);
        message.putInt((int) messageCrc.getValue());
        out.write(message.array());
        out.flush();
    }

    /** @return why the signature is wrong, or null when it is right */
    private String verifySignature(RecordedRequest request, String rawPath) {
        String authorization = request.header("authorization").orElse("");
        if (authorization.startsWith("Bearer ")) {
            return apiKey != null && authorization.substring(7).equals(apiKey) ? null
                    : "The security token included in the request is invalid.";
        }
        try {
            lastSignedRegion = SigV4.verify(request, rawPath, null, true, accessKey, secretKey).region();
            return null;
        } catch (SecurityException e) {
            return e.getMessage();
        }
    }
}
