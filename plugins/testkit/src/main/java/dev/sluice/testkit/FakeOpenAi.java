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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fake OpenAI API, written from OpenAI's API reference ("Chat: Create chat completion", the
 * chat completion object and chunk object; "Completions"; "Embeddings"; "Models: List models";
 * "Error codes"): {@code POST /v1/chat/completions} (JSON, or SSE {@code chat.completion.chunk}
 * events ending in {@code data: [DONE]} when {@code stream} is true, with a final usage chunk whose
 * {@code choices} is empty when {@code stream_options.include_usage} is true), {@code POST
 * /v1/completions}, {@code POST /v1/embeddings} and {@code GET /v1/models}. Paths are matched on
 * their ending, so an {@code api_base} with or without {@code /v1} both work.
 */
public final class FakeOpenAi extends FakeUpstream {

    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile String reply = "Hello from the fake OpenAI upstream.";
    private volatile long promptTokens = 12;
    private volatile long cachedTokens;
    private volatile CountDownLatch streamGate;
    private volatile boolean probeAfterGate;
    private volatile boolean breakNextStream;
    private final AtomicBoolean lastChunkSent = new AtomicBoolean();
    private final CountDownLatch streamAborted = new CountDownLatch(1);

    /** Starts a fake on a free loopback port. */
    public FakeOpenAi() {
    }

    /** Sets the assistant's reply; streamed, it arrives one word per chunk. */
    public FakeOpenAi reply(String text) {
        this.reply = text;
        return this;
    }

    /** Sets the prompt tokens reported in usage, and how many of them were cached. */
    public FakeOpenAi promptTokens(long prompt, long cached) {
        this.promptTokens = prompt;
        this.cachedTokens = cached;
        return this;
    }

    /** @return the number of completion tokens reported for the reply: one per word */
    public long completionTokens() {
        return words().size();
    }

    /**
     * Makes the next stream pause after its first chunk until the returned latch is counted down,
     * so a test can see what reached its client before the upstream finished.
     */
    public CountDownLatch holdNextStreamAfterFirstChunk() {
        CountDownLatch gate = new CountDownLatch(1);
        lastChunkSent.set(false);
        probeAfterGate = false;
        streamGate = gate;
        return gate;
    }

    /**
     * As {@link #holdNextStreamAfterFirstChunk()}, but once released the stream goes on sending
     * chunks with an empty delta until a write fails (its client, the gateway, closed the
     * connection) or 30 seconds pass; {@link #awaitStreamAborted} tells which.
     */
    public CountDownLatch holdNextStreamUntilCancelled() {
        CountDownLatch gate = holdNextStreamAfterFirstChunk();
        probeAfterGate = true;
        return gate;
    }

    /**
     * Waits until the client of a stream held by {@link #holdNextStreamUntilCancelled()} has closed
     * the connection. The probe sends real chunks, not SSE comments: a gateway only learns that its
     * own client left when it writes to it.
     *
     * @return whether the connection was closed within the time given
     */
    public boolean awaitStreamAborted(java.time.Duration within) throws InterruptedException {
        return streamAborted.await(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Makes the next stream end after its first chunk, without a finish reason or {@code [DONE]}:
     * an upstream that died halfway.
     */
    public FakeOpenAi breakNextStreamAfterFirstChunk() {
        breakNextStream = true;
        return this;
    }

    /** @return whether the last held stream has sent its final chunk */
    public boolean lastChunkSent() {
        return lastChunkSent.get();
    }

    @Override
    protected void handle(RecordedRequest request, HttpExchange exchange) throws IOException {
        String path = request.path().replaceFirst("\\?.*$", "");
        if (request.method().equals("GET") && path.endsWith("/models")) {
            sendJson(exchange, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o-mini\",\"object\":\"model\","
                    + "\"created\":1721172741,\"owned_by\":\"system\"},{\"id\":\"text-embedding-3-small\","
                    + "\"object\":\"model\",\"created\":1705948997,\"owned_by\":\"system\"}]}");
            return;
        }
        String type = request.header("content-type").orElse("");
        if (type.startsWith("multipart/form-data")) {
            multipart(path, request, exchange);
            return;
        }
        JsonNode body = request.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(request.body());
        if (path.endsWith("/images/generations")) {
            sendJson(exchange, 200, JSON.writeValueAsString(images(body.path("model").asText(), body.path("n").asInt(1))));
            return;
        } else if (path.endsWith("/responses")) {
            responses(body, exchange);
            return;
        } else if (path.endsWith("/audio/speech")) {
            speech(body, exchange);
            return;
        } else if (path.endsWith("/moderations")) {
            sendJson(exchange, 200, JSON.writeValueAsString(moderation(body)));
            return;
        } else if (path.endsWith("/rerank")) {
            sendJson(exchange, 200, JSON.writeValueAsString(rerank(body)));
            return;
        }
        if (path.endsWith("/chat/completions")) {
            if (body.path("stream").asBoolean(false)) {
                streamChat(body, exchange);
            } else {
                sendJson(exchange, 200, JSON.writeValueAsString(chatCompletion(body)));
            }
        } else if (path.endsWith("/completions")) {
            sendJson(exchange, 200, JSON.writeValueAsString(textCompletion(body)));
        } else if (path.endsWith("/embeddings")) {
            sendJson(exchange, 200, JSON.writeValueAsString(embeddings(body)));
        } else {
            sendJson(exchange, 404, "{\"error\":{\"message\":\"Invalid URL (" + request.method() + " " + path
                    + ")\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
        }
    }

    /**
     * The multipart endpoints: {@code /images/edits} and {@code /images/variations} (an
     * {@code image} part), {@code /audio/transcriptions} and {@code /audio/translations} (a
     * {@code file} part; {@code response_format} json, verbose_json or text). The transcript is
     * the reply; {@code whisper-1} reports a 3.5 s duration, other models their tokens.
     */
    private void multipart(String path, RecordedRequest request, HttpExchange exchange) throws IOException {
        String form = request.bodyText();
        String model = field(form, "model");
        if (path.endsWith("/images/edits") || path.endsWith("/images/variations")) {
            if (!form.contains("name=\"image") ) {
                sendJson(exchange, 400, error("Missing required parameter: 'image'.", "image"));
                return;
            }
            sendJson(exchange, 200, JSON.writeValueAsString(images(model, Integer.parseInt(
                    java.util.Optional.ofNullable(field(form, "n")).orElse("1")))));
        } else if (path.endsWith("/audio/transcriptions") || path.endsWith("/audio/translations")) {
            if (!form.contains("name=\"file\"; filename=")) {
                sendJson(exchange, 400, error("Missing required parameter: 'file'.", "file"));
                return;
            }
            String format = java.util.Optional.ofNullable(field(form, "response_format")).orElse("json");
            if (format.equals("text")) {
                byte[] text = reply.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(200, text.length);
                exchange.getResponseBody().write(text);
                exchange.close();
                return;
            }
            ObjectNode answer = JSON.createObjectNode().put("text", reply);
            if (format.equals("verbose_json")) {
                answer.put("task", path.endsWith("translations") ? "translate" : "transcribe").put("language", "english")
                        .put("duration", 3.5).putArray("segments");
            }
            ObjectNode usage = answer.putObject("usage");
            if ("whisper-1".equals(model)) {
                usage.put("type", "duration").put("seconds", 3.5);
            } else {
                usage.put("type", "tokens").put("input_tokens", 40).put("output_tokens", words().size())
                        .put("total_tokens", 40 + words().size());
                usage.putObject("input_token_details").put("audio_tokens", 30).put("text_tokens", 10);
            }
            sendJson(exchange, 200, JSON.writeValueAsString(answer));
        } else {
            sendJson(exchange, 404, error("Invalid URL (POST " + path + ")", null));
        }
    }

    /**
     * {@code /responses}, OpenAI's Responses API: a {@code response} object with one message of the
     * reply, or with {@code stream} its events from {@code response.created} to
     * {@code response.completed}, each with its {@code sequence_number}, as OpenAI's reference shows.
     */
    private void responses(JsonNode request, HttpExchange exchange) throws IOException {
        ObjectNode response = JSON.createObjectNode().put("id", "resp_fake" + System.nanoTime()).put("object", "response")
                .put("created_at", 1_741_476_542L).put("status", "completed").put("model", request.path("model").asText());
        response.set("previous_response_id", request.has("previous_response_id") ? request.get("previous_response_id")
                : JSON.nullNode());
        ObjectNode message = response.putArray("output").addObject().put("type", "message").put("id", "msg_fake")
                .put("status", "completed").put("role", "assistant");
        message.putArray("content").addObject().put("type", "output_text").put("text", reply).putArray("annotations");
        ObjectNode usage = response.putObject("usage").put("input_tokens", promptTokens)
                .put("output_tokens", words().size()).put("total_tokens", promptTokens + words().size());
        usage.putObject("input_tokens_details").put("cached_tokens", 0);
        usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
        if (!request.path("stream").asBoolean(false)) {
            sendJson(exchange, 200, JSON.writeValueAsString(response));
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (var out = exchange.getResponseBody()) {
            int sequence = 0;
            ObjectNode created = response.deepCopy().put("status", "in_progress");
            created.putArray("output");
            created.putNull("usage");
            event(out, "response.created", JSON.createObjectNode().put("sequence_number", sequence++).set("response", created));
            for (String word : words()) {
                event(out, "response.output_text.delta", JSON.createObjectNode().put("sequence_number", sequence++)
                        .put("item_id", "msg_fake").put("output_index", 0).put("content_index", 0).put("delta", word + " "));
            }
            event(out, "response.completed", JSON.createObjectNode().put("sequence_number", sequence).set("response", response));
        }
    }

    private static void event(java.io.OutputStream out, String type, ObjectNode data) throws IOException {
        data.put("type", type);
        out.write(("event: " + type + "\ndata: " + JSON.writeValueAsString(data) + "\n\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.flush();
    }

    /** {@code /audio/speech}: MP3 bytes (a frame header and the input, enough to tell them apart), chunked. */
    private static void speech(JsonNode request, HttpExchange exchange) throws IOException {
        if (!request.path("input").isTextual() || !request.path("voice").isTextual()) {
            sendJson(exchange, 400, error("Missing required parameter: 'input' and 'voice'.", "input"));
            return;
        }
        byte[] audio = ("\u00ff\u00fb" + request.path("input").asText()).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        exchange.getResponseHeaders().add("Content-Type", "audio/mpeg");
        exchange.sendResponseHeaders(200, 0);
        try (var out = exchange.getResponseBody()) {
            out.write(audio, 0, 2);
            out.flush();
            out.write(audio, 2, audio.length - 2);
        }
    }

    /** @return a text field of a multipart form, if sent */
    private static String field(String form, String name) {
        java.util.regex.Matcher match = java.util.regex.Pattern.compile("name=\"" + name
                + "\"\r\n\r\n([^\r]*)\r\n").matcher(form);
        return match.find() ? match.group(1) : null;
    }

    private static String error(String message, String param) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\",\"param\":"
                + (param == null ? "null" : "\"" + param + "\"") + ",\"code\":null}}";
    }

    /** dall-e models answer URLs; gpt-image-1 answers base64 and reports its tokens, as OpenAI's reference shows. */
    private static ObjectNode images(String model, int n) {
        ObjectNode answer = JSON.createObjectNode().put("created", 1_713_833_628L);
        var data = answer.putArray("data");
        for (int i = 0; i < n; i++) {
            if (model.startsWith("gpt-image")) {
                data.addObject().put("b64_json", "iVBORw0KGgo=");
            } else {
                data.addObject().put("url", "https://images.fake/img-" + i + ".png").put("revised_prompt", "a cat");
            }
        }
        if (model.startsWith("gpt-image")) {
            ObjectNode usage = answer.putObject("usage").put("input_tokens", 50).put("output_tokens", 1056)
                    .put("total_tokens", 1106);
            usage.putObject("input_tokens_details").put("text_tokens", 10).put("image_tokens", 40);
        }
        return answer;
    }

    private static ObjectNode moderation(JsonNode request) {
        ObjectNode answer = JSON.createObjectNode().put("id", "modr-fake").put("model", request.path("model").asText());
        var results = answer.putArray("results");
        JsonNode input = request.path("input");
        int count = input.isArray() ? input.size() : 1;
        for (int i = 0; i < count; i++) {
            String text = input.isArray() ? input.get(i).toString() : input.asText();
            boolean flagged = text.contains("kill");
            ObjectNode result = results.addObject().put("flagged", flagged);
            result.putObject("categories").put("violence", flagged).put("harassment", false);
            result.putObject("category_scores").put("violence", flagged ? 0.97 : 0.001).put("harassment", 0.0001);
        }
        return answer;
    }

    /** vLLM's Cohere-compatible rerank: the documents scored by how many of the query's words they share. */
    private static ObjectNode rerank(JsonNode request) {
        java.util.Set<String> words = new java.util.HashSet<>(List.of(request.path("query").asText().toLowerCase(
                java.util.Locale.ROOT).split("\\W+")));
        List<ObjectNode> results = new java.util.ArrayList<>();
        int index = 0;
        for (JsonNode document : request.path("documents")) {
            String text = document.isTextual() ? document.asText() : document.path("text").asText();
            long shared = java.util.Arrays.stream(text.toLowerCase(java.util.Locale.ROOT).split("\\W+"))
                    .filter(words::contains).count();
            ObjectNode result = JSON.createObjectNode().put("index", index++).put("relevance_score", shared / 10.0);
            result.putObject("document").put("text", text);
            results.add(result);
        }
        results.sort((a, b) -> Double.compare(b.path("relevance_score").asDouble(), a.path("relevance_score").asDouble()));
        int topN = request.path("top_n").asInt(results.size());
        ObjectNode answer = JSON.createObjectNode().put("id", "rerank-fake").put("model", request.path("model").asText());
        answer.putObject("usage").put("total_tokens", 25);
        var array = answer.putArray("results");
        results.stream().limit(topN).forEach(array::add);
        return answer;
    }

    @Override
    protected String badRequestBody() {
        return "{\"error\":{\"message\":\"Invalid value for 'temperature': must be between 0 and 2.\","
                + "\"type\":\"invalid_request_error\",\"param\":\"temperature\",\"code\":\"invalid_value\"}}";
    }

    @Override
    protected String errorBody(int status) {
        String type = switch (status) {
            case 401 -> "invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key";
            case 429 -> "requests\",\"param\":null,\"code\":\"rate_limit_exceeded";
            case 400 -> "invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded";
            default -> "server_error\",\"param\":null,\"code\":null";
        };
        String message = switch (status) {
            case 401 -> "Incorrect API key provided: sk-fake***. You can find your API key at https://platform.openai.com/account/api-keys.";
            case 429 -> "Rate limit reached for gpt-4o-mini in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1.";
            case 400 -> "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.";
            default -> "The server had an error while processing your request. Sorry about that!";
        };
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\"}}";
    }

    private List<String> words() {
        return List.of(reply.split(" "));
    }

    private ObjectNode usage() {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens());
        usage.put("total_tokens", promptTokens + completionTokens());
        usage.putObject("prompt_tokens_details").put("cached_tokens", cachedTokens).put("audio_tokens", 0);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", 0).put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
        return usage;
    }

    private ObjectNode envelope(String object, JsonNode request) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", object.equals("text_completion") ? "cmpl-fake123" : "chatcmpl-fake123");
        node.put("object", object);
        node.put("created", 1741569952L);
        node.put("model", request.path("model").asText("gpt-4o-mini") + "-2024-07-18");
        return node;
    }

    private ObjectNode chatCompletion(JsonNode request) {
        ObjectNode completion = envelope("chat.completion", request);
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", reply).putNull("refusal")
                .putArray("annotations");
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        completion.set("usage", usage());
        completion.put("service_tier", "default");
        completion.put("system_fingerprint", "fp_fake");
        return completion;
    }

    private ObjectNode textCompletion(JsonNode request) {
        ObjectNode completion = envelope("text_completion", request);
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("text", reply).put("index", 0).putNull("logprobs");
        choice.put("finish_reason", "stop");
        completion.set("usage", usage());
        return completion;
    }

    private ObjectNode embeddings(JsonNode request) {
        ObjectNode list = JSON.createObjectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        JsonNode input = request.path("input");
        int count = input.isArray() ? input.size() : 1;
        for (int i = 0; i < count; i++) {
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            ArrayNode vector = item.putArray("embedding");
            for (int d = 0; d < 8; d++) {
                vector.add((i + 1) * 0.125 - d * 0.01);
            }
        }
        list.put("model", request.path("model").asText());
        list.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
        return list;
    }

    private void streamChat(JsonNode request, HttpExchange exchange) throws IOException {
        CountDownLatch gate = streamGate;
        boolean probe = probeAfterGate;
        streamGate = null;
        if (breakNextStream) {
            breakNextStream = false;
            writeFirstChunkAndDie(request, exchange);
            return;
        }
        try {
            writeStream(request, exchange, gate, probe);
        } catch (IOException e) {
            if (gate != null) {
                streamAborted.countDown();
            }
            throw e;
        }
    }

    private void writeStream(JsonNode request, HttpExchange exchange, CountDownLatch gate, boolean probe)
            throws IOException {
        boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        List<String> words = words();
        for (int i = 0; i <= words.size(); i++) {
            ObjectNode chunk = envelope("chat.completion.chunk", request);
            chunk.put("system_fingerprint", "fp_fake");
            ObjectNode choice = chunk.putArray("choices").addObject();
            choice.put("index", 0);
            ObjectNode delta = choice.putObject("delta");
            if (i == 0) {
                delta.put("role", "assistant");
            }
            if (i < words.size()) {
                delta.put("content", i == 0 ? words.get(i) : " " + words.get(i));
                choice.putNull("finish_reason");
            } else {
                choice.put("finish_reason", "stop");
            }
            choice.putNull("logprobs");
            if (includeUsage) {
                chunk.putNull("usage");
            }
            writeEvent(out, JSON.writeValueAsString(chunk));
            if (i == 0 && gate != null) {
                awaitGate(gate);
            }
        }
        if (probe) {
            probeUntilClosed(out, request);
        }
        if (includeUsage) {
            ObjectNode last = envelope("chat.completion.chunk", request);
            last.putArray("choices");
            last.set("usage", usage());
            writeEvent(out, JSON.writeValueAsString(last));
        }
        writeEvent(out, "[DONE]");
        lastChunkSent.set(true);
        out.close();
    }

    private void writeFirstChunkAndDie(JsonNode request, HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        ObjectNode chunk = envelope("chat.completion.chunk", request);
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.putObject("delta").put("role", "assistant").put("content", words().getFirst());
        choice.putNull("finish_reason");
        writeEvent(out, JSON.writeValueAsString(chunk));
        out.close();
    }

    private void probeUntilClosed(OutputStream out, JsonNode request) throws IOException {
        ObjectNode empty = envelope("chat.completion.chunk", request);
        empty.putArray("choices").addObject().put("index", 0).putObject("delta").put("content", "");
        String event = JSON.writeValueAsString(empty);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            writeEvent(out, event);
        }
    }

    private static void writeEvent(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void awaitGate(CountDownLatch gate) {
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the held stream");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
