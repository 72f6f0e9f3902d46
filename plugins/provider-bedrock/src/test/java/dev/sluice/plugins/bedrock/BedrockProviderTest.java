package dev.sluice.plugins.bedrock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Deployment;
import dev.sluice.api.EndpointRequest;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.Secret;
import dev.sluice.api.Usage;
import dev.sluice.testkit.FakeBedrock;
import dev.sluice.testkit.FakeUpstream;
import dev.sluice.testkit.HttpProviderAdapterContract;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter contract with a Bedrock API key; then SigV4 (checked by the fake with its own
 * implementation of the algorithm), the Converse translation and the event-stream decoding.
 */
class BedrockProviderTest extends HttpProviderAdapterContract {

    private final FakeBedrock upstream = new FakeBedrock().expectApiKey(PROVIDER_KEY);
    private final BedrockProvider adapter = new BedrockProvider();

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Override
    protected ProviderAdapter adapter() {
        return adapter;
    }

    @Override
    protected FakeUpstream upstream() {
        return upstream;
    }

    @Override
    protected Deployment deploymentAt(URI upstreamBase) {
        return deployment(upstreamBase, "anthropic.claude-3-5-sonnet-20241022-v2:0", PROVIDER_KEY, JSON.createObjectNode());
    }

    private static Deployment deployment(URI base, String model, String apiKey, ObjectNode extra) {
        return new Deployment("br-1", "claude", "bedrock", model, Optional.of(base.toString()),
                Optional.ofNullable(apiKey).map(Secret::new), Optional.empty(), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Map.of(), extra, JSON.createObjectNode());
    }

    private ProviderContext signed(String sessionToken) {
        upstream.expectCredentials("AKIATESTKEY", "test/secret+key");
        ObjectNode extra = JSON.createObjectNode().put("aws_access_key_id", "AKIATESTKEY")
                .put("aws_secret_access_key", "test/secret+key").put("aws_region_name", "eu-west-3");
        if (sessionToken != null) {
            extra.put("aws_session_token", sessionToken);
        }
        return new ProviderContext(deployment(upstream.baseUri(), "converse/anthropic.claude-3-5-sonnet-20241022-v2:0",
                null, extra), transport(), JSON, "call-1");
    }

    private static ChatRequest chat(String json) throws Exception {
        return new ChatRequest((ObjectNode) JSON.readTree(json));
    }

    @Test
    void sigV4SignedRequestsAreAcceptedForTheDeploymentsRegionWithOrWithoutASessionToken() throws Exception {
        ModelResponse response = adapter.chat(chatRequest(false, false), signed(null));
        assertEquals("Hello from the fake Bedrock runtime.",
                response.body().path("choices").path(0).path("message").path("content").asText());
        assertEquals("eu-west-3", upstream.lastSignedRegion());
        var request = upstream.takeRequest();
        assertEquals("/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse", request.path(),
                "the id's ':' percent-encoded, the converse/ route prefix taken off");
        assertFalse(request.headers().toString().contains("test/secret+key"), "the secret never travels");
        adapter.chat(chatRequest(false, false), signed("FwoGZXIvYXdzEXAMPLE"));
        assertEquals("FwoGZXIvYXdzEXAMPLE", upstream.takeRequest().header("x-amz-security-token").orElseThrow());
    }

    @Test
    void titanAndNovaCanvasGenerateImagesSignedLikeEveryCall() throws Exception {
        upstream.expectCredentials("AKIATESTKEY", "test/secret+key");
        ObjectNode extra = JSON.createObjectNode().put("aws_access_key_id", "AKIATESTKEY")
                .put("aws_secret_access_key", "test/secret+key").put("aws_region_name", "us-east-1");
        ProviderContext canvas = new ProviderContext(deployment(upstream.baseUri(), "amazon.nova-canvas-v1:0", null,
                extra), transport(), JSON, "call-img");
        dev.sluice.api.EndpointRequest images = new dev.sluice.api.EndpointRequest(
                dev.sluice.api.ModelRequest.Operation.IMAGE_GENERATION, (ObjectNode) JSON.readTree(
                        "{\"model\": \"canvas\", \"prompt\": \"a lighthouse\", \"n\": 2, \"size\": \"1024x512\","
                                + " \"quality\": \"hd\"}"), java.util.List.of());
        ModelResponse answer = (ModelResponse) adapter.serve(images, canvas);
        assertEquals(2, answer.body().path("data").size());
        assertEquals("iVBORw0KGgo1", answer.body().path("data").path(1).path("b64_json").asText());
        var sent = upstream.takeRequest();
        assertEquals("/model/amazon.nova-canvas-v1%3A0/invoke", sent.path());
        JsonNode body = JSON.readTree(sent.body());
        assertEquals("TEXT_IMAGE", body.path("taskType").asText());
        assertEquals("a lighthouse", body.path("textToImageParams").path("text").asText());
        assertEquals(512, body.path("imageGenerationConfig").path("height").asInt());
        assertEquals("premium", body.path("imageGenerationConfig").path("quality").asText());
        assertEquals(400, assertThrows(dev.sluice.api.GatewayException.class, () -> adapter.serve(images,
                signed(null))).status(), "a chat model makes no images");
    }

    @Test
    void cohereRerankOnBedrockAnswersInCoheresShape() throws Exception {
        upstream.expectCredentials("AKIATESTKEY", "test/secret+key");
        ObjectNode extra = JSON.createObjectNode().put("aws_access_key_id", "AKIATESTKEY")
                .put("aws_secret_access_key", "test/secret+key");
        ProviderContext rerank = new ProviderContext(deployment(upstream.baseUri(), "cohere.rerank-v3-5:0", null, extra),
                transport(), JSON, "call-rerank");
        ModelResponse answer = (ModelResponse) adapter.serve(new EndpointRequest(
                ModelRequest.Operation.RERANK, (ObjectNode) JSON.readTree("{\"model\": \"r\", "
                + "\"query\": \"capital of France\", \"documents\": [\"Berlin\", {\"text\": \"Paris is the capital of "
                + "France\"}], \"top_n\": 1, \"return_documents\": true}"), List.of()), rerank);
        assertEquals(1, answer.body().path("results").size());
        assertEquals(1, answer.body().path("results").path(0).path("index").asInt());
        assertEquals("Paris is the capital of France", answer.body().path("results").path(0).path("document")
                .path("text").asText());
        JsonNode sent = JSON.readTree(upstream.takeRequest().body());
        assertEquals(2, sent.path("api_version").asInt(), "Cohere's models on Bedrock take api_version 2");
        assertEquals("Paris is the capital of France", sent.path("documents").path(1).asText(), "documents as text");
    }

    @Test
    void aWrongSecretIsAnAuthenticationError() {
        upstream.expectCredentials("AKIATESTKEY", "the-real-secret");
        ObjectNode extra = JSON.createObjectNode().put("aws_access_key_id", "AKIATESTKEY")
                .put("aws_secret_access_key", "a-wrong-secret");
        GatewayException e = assertThrows(GatewayException.class, () -> adapter.chat(chatRequest(false, false),
                new ProviderContext(deployment(upstream.baseUri(), "m", null, extra), transport(), JSON, "c")));
        assertEquals(ErrorKind.AUTHENTICATION, e.kind());
        assertFalse(e.getMessage().contains("a-wrong-secret"));
    }

    @Test
    void theConverseRequestCarriesSystemTurnsToolsAndInferenceConfig() throws Exception {
        adapter.chat(chat("""
                {"model": "claude", "max_tokens": 99, "temperature": 0.5, "top_k": 20, "stop": "END",
                 "messages": [{"role": "system", "content": "Be brief."},
                  {"role": "user", "content": [{"type": "text", "text": "What is this?"},
                     {"type": "image_url", "image_url": {"url": "data:image/jpg;base64,/9j/4AAQ"}}]},
                  {"role": "assistant", "content": "", "tool_calls": [{"id": "t1", "type": "function",
                     "function": {"name": "lookup", "arguments": "{\\"q\\":\\"x\\"}"}}]},
                  {"role": "tool", "tool_call_id": "t1", "content": "found"}],
                 "tools": [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}],
                 "tool_choice": "required"}"""), signed(null));
        JsonNode body = JSON.readTree(upstream.takeRequest().bodyText());
        assertEquals("Be brief.", body.path("system").path(0).path("text").asText());
        JsonNode image = body.path("messages").path(0).path("content").path(1).path("image");
        assertEquals("jpeg", image.path("format").asText());
        assertEquals("/9j/4AAQ", image.path("source").path("bytes").asText());
        assertEquals("{\"q\":\"x\"}", body.path("messages").path(1).path("content").path(0).path("toolUse").path("input").toString());
        assertEquals("t1", body.path("messages").path(2).path("content").path(0).path("toolResult").path("toolUseId").asText());
        assertEquals(99, body.path("inferenceConfig").path("maxTokens").asInt());
        assertEquals("[\"END\"]", body.path("inferenceConfig").path("stopSequences").toString());
        assertEquals(20, body.path("additionalModelRequestFields").path("top_k").asInt());
        assertEquals("lookup", body.path("toolConfig").path("tools").path(0).path("toolSpec").path("name").asText());
        assertTrue(body.path("toolConfig").path("toolChoice").has("any"));
    }

    @Test
    void aStreamedToolUseArrivesAsToolCallDeltasWithUsageAtTheEnd() throws Exception {
        upstream.replyWithToolUse("lookup", "{\"q\":\"cats\"}");
        List<ChatChunk> chunks = new ArrayList<>();
        try (ChunkStream stream = adapter.streamChat(chat("{\"model\":\"c\",\"stream\":true,\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"cats?\"}]}"), signed(null))) {
            for (ChatChunk chunk = stream.next(); chunk != null; chunk = stream.next()) {
                chunks.add(chunk);
            }
        }
        StringBuilder arguments = new StringBuilder();
        String finish = null;
        for (ChatChunk chunk : chunks) {
            JsonNode choice = chunk.data().path("choices").path(0);
            arguments.append(choice.path("delta").path("tool_calls").path(0).path("function").path("arguments").asText(""));
            finish = choice.path("finish_reason").isTextual() ? choice.path("finish_reason").asText() : finish;
        }
        assertEquals("{\"q\":\"cats\"}", arguments.toString());
        assertEquals("tool_calls", finish);
        assertEquals(new Usage(17, 7, 0, 0), chunks.getLast().usage().orElseThrow());
    }

    @Test
    void anImageUrlIsRefusedRatherThanFetched() {
        GatewayException e = assertThrows(GatewayException.class, () -> adapter.chat(chat("""
                {"model": "c", "messages": [{"role": "user", "content": [
                  {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]}]}"""), signed(null)));
        assertEquals(400, e.status());
        assertEquals(0, upstream.pendingRequests());
    }

    @Test
    void titanEmbeddingsAreOneSignedInvokePerInput() throws Exception {
        upstream.expectCredentials("AKIATESTKEY", "test/secret+key");
        ObjectNode extra = JSON.createObjectNode().put("aws_access_key_id", "AKIATESTKEY")
                .put("aws_secret_access_key", "test/secret+key");
        ProviderContext context = new ProviderContext(deployment(upstream.baseUri(), "amazon.titan-embed-text-v2:0", null,
                extra), transport(), JSON, "c");
        ModelResponse response = adapter.embed(new dev.sluice.api.EmbeddingRequest((ObjectNode) JSON.readTree(
                "{\"model\":\"e\",\"input\":[\"one two\",\"three four five\"],\"dimensions\":256}")), context);
        assertEquals(2, response.body().path("data").size());
        assertEquals(1, response.body().path("data").path(1).path("index").asInt());
        assertEquals(5, response.body().path("usage").path("prompt_tokens").asInt());
        JsonNode sent = JSON.readTree(upstream.takeRequest().bodyText());
        assertEquals("one two", sent.path("inputText").asText());
        assertEquals(256, sent.path("dimensions").asInt());
    }

    @Test
    void aResponseFormatIsAForcedToolWhoseInputIsTheAnswer() throws Exception {
        upstream.replyWithToolUse(BedrockRequests.JSON_TOOL, "{\"answer\":42}");
        String ask = "{\"model\":\"c\",%s\"messages\":[{\"role\":\"user\",\"content\":\"JSON please\"}],"
                + "\"response_format\":{\"type\":\"json_object\"}}";
        ModelResponse plain = adapter.chat(chat(ask.formatted("")), signed(null));
        assertEquals("{\"answer\":42}", plain.body().path("choices").path(0).path("message").path("content").asText());
        assertEquals("stop", plain.body().path("choices").path(0).path("finish_reason").asText());
        JsonNode sent = JSON.readTree(upstream.takeRequest().bodyText());
        assertEquals(BedrockRequests.JSON_TOOL, sent.path("toolConfig").path("toolChoice").path("tool").path("name").asText());
        StringBuilder streamed = new StringBuilder();
        String finish = null;
        try (ChunkStream stream = adapter.streamChat(chat(ask.formatted("\"stream\":true,")), signed(null))) {
            for (ChatChunk chunk = stream.next(); chunk != null; chunk = stream.next()) {
                JsonNode choice = chunk.data().path("choices").path(0);
                streamed.append(choice.path("delta").path("content").asText(""));
                finish = choice.path("finish_reason").isTextual() ? choice.path("finish_reason").asText() : finish;
            }
        }
        assertEquals("{\"answer\":42}", streamed.toString());
        assertEquals("stop", finish);
    }
}
