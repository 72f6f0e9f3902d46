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
        JsonNode body = request.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(request.body());
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
