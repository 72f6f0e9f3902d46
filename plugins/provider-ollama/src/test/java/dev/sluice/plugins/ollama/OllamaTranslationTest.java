package dev.sluice.plugins.ollama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.Usage;
import dev.sluice.testkit.Deployments;
import dev.sluice.testkit.FakeOllama;
import dev.sluice.testkit.JdkHttpTransport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** OpenAI in, Ollama's native API on the wire, OpenAI out. */
class OllamaTranslationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeOllama upstream = new FakeOllama();
    private final OllamaProvider adapter = new OllamaProvider();

    @AfterEach
    void stop() {
        upstream.close();
    }

    private ProviderContext context() {
        return new ProviderContext(Deployments.of("ollama/llama3.1:8b", upstream.baseUri() + "/v1", null),
                new JdkHttpTransport(), JSON, "call-1");
    }

    private static ChatRequest chat(String json) throws Exception {
        return new ChatRequest((ObjectNode) JSON.readTree(json));
    }

    private JsonNode sent() throws Exception {
        return JSON.readTree(upstream.takeRequest().bodyText());
    }

    @Test
    void messagesImagesToolHistoryAndSamplingGoWhereOllamaTakesThem() throws Exception {
        adapter.chat(chat("""
                {"model": "llama", "temperature": 0.1, "max_tokens": 50, "seed": 3, "stop": ["END"],
                 "response_format": {"type": "json_object"},
                 "messages": [
                  {"role": "system", "content": "Be brief."},
                  {"role": "user", "content": [{"type": "text", "text": "What is this?"},
                     {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]},
                  {"role": "assistant", "content": "", "tool_calls": [{"id": "c1", "type": "function",
                     "function": {"name": "lookup", "arguments": "{\\"q\\":\\"cat\\"}"}}]},
                  {"role": "tool", "tool_call_id": "c1", "name": "lookup", "content": "a cat"}],
                 "tools": [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}]}
                """), context());
        var request = upstream.takeRequest();
        assertEquals("/api/chat", request.path(), "api_base's /v1 (Ollama's OpenAI endpoint) is taken off");
        JsonNode body = JSON.readTree(request.bodyText());
        assertEquals("llama3.1:8b", body.path("model").asText());
        assertFalse(body.path("stream").asBoolean(true), "Ollama streams unless told not to");
        assertEquals("iVBORw0KGgo=", body.path("messages").path(1).path("images").path(0).asText());
        assertEquals("What is this?", body.path("messages").path(1).path("content").asText());
        assertEquals("{\"q\":\"cat\"}", body.path("messages").path(2).path("tool_calls").path(0).path("function")
                .path("arguments").toString(), "arguments as an object");
        assertEquals("lookup", body.path("messages").path(3).path("tool_name").asText());
        assertEquals("lookup", body.path("tools").path(0).path("function").path("name").asText());
        assertEquals("json", body.path("format").asText());
        JsonNode options = body.path("options");
        assertEquals(0.1, options.path("temperature").asDouble());
        assertEquals(50, options.path("num_predict").asInt());
        assertEquals(3, options.path("seed").asInt());
        assertEquals("[\"END\"]", options.path("stop").toString());
    }

    @Test
    void anImageUrlAndAnUnsupportedParameterAreRefusedNamingThem() throws Exception {
        GatewayException url = assertThrows(GatewayException.class, () -> adapter.chat(chat("""
                {"model": "llama", "messages": [{"role": "user", "content": [
                  {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]}]}"""), context()));
        assertTrue(url.getMessage().contains("base64 data URLs"), url.getMessage());
        GatewayException logprobs = assertThrows(GatewayException.class, () -> adapter.chat(chat(
                "{\"model\":\"llama\",\"logprobs\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), context()));
        assertEquals("logprobs", logprobs.param().orElseThrow());
        assertEquals(0, upstream.pendingRequests());
    }

    @Test
    void aToolCallAnswerBecomesOpenAiToolCallsPlainAndStreamed() throws Exception {
        upstream.replyWithToolCall("lookup", "{\"q\":\"dog\"}");
        String ask = "{\"model\":\"llama\",%s\"messages\":[{\"role\":\"user\",\"content\":\"find a dog\"}]}";
        ModelResponse plain = adapter.chat(chat(ask.formatted("")), context());
        JsonNode call = plain.body().path("choices").path(0).path("message").path("tool_calls").path(0);
        assertEquals("lookup", call.path("function").path("name").asText());
        assertEquals("{\"q\":\"dog\"}", call.path("function").path("arguments").asText());
        assertTrue(call.path("id").asText().startsWith("call_"));
        assertEquals("tool_calls", plain.body().path("choices").path(0).path("finish_reason").asText());
        List<ChatChunk> chunks = new ArrayList<>();
        try (ChunkStream stream = adapter.streamChat(chat(ask.formatted("\"stream\":true,")), context())) {
            for (ChatChunk chunk = stream.next(); chunk != null; chunk = stream.next()) {
                chunks.add(chunk);
            }
        }
        assertEquals("lookup", chunks.getFirst().data().path("choices").path(0).path("delta").path("tool_calls").path(0)
                .path("function").path("name").asText());
        assertEquals("tool_calls", chunks.get(chunks.size() - 2).data().path("choices").path(0).path("finish_reason").asText());
        assertEquals(new Usage(26, 12, 0, 0), chunks.getLast().usage().orElseThrow());
    }

    @Test
    void embeddingsComeBackAsAnOpenAiListWithUsage() throws Exception {
        ModelResponse response = adapter.embed(new EmbeddingRequest((ObjectNode) JSON.readTree(
                "{\"model\":\"embed\",\"input\":[\"a\",\"b\"],\"dimensions\":3}")), context());
        JsonNode sent = sent();
        assertEquals("[\"a\",\"b\"]", sent.path("input").toString());
        assertEquals(3, sent.path("dimensions").asInt());
        assertEquals("list", response.body().path("object").asText());
        assertEquals(2, response.body().path("data").size());
        assertEquals(1, response.body().path("data").path(1).path("index").asInt());
        assertEquals(3, response.body().path("data").path(0).path("embedding").size());
        assertEquals(16, response.body().path("usage").path("prompt_tokens").asInt());
    }
}
