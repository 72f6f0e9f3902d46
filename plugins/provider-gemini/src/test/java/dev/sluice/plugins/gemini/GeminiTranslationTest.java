package dev.sluice.plugins.gemini;

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
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.Usage;
import dev.sluice.testkit.Deployments;
import dev.sluice.testkit.FakeGemini;
import dev.sluice.testkit.JdkHttpTransport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** OpenAI in, Gemini's generateContent on the wire, OpenAI out. */
class GeminiTranslationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeGemini upstream = new FakeGemini();
    private final GeminiProvider adapter = new GeminiProvider();

    @AfterEach
    void stop() {
        upstream.close();
    }

    private ProviderContext context() {
        return new ProviderContext(Deployments.of("gemini/gemini-2.5-pro", upstream.baseUri().toString(), "AIza-test-key"),
                new JdkHttpTransport(), JSON, "call-1");
    }

    private static ChatRequest chat(String json) throws Exception {
        return new ChatRequest((ObjectNode) JSON.readTree(json));
    }

    @Test
    void aConversationBecomesContentsWithSystemInstructionFunctionPartsAndGenerationConfig() throws Exception {
        adapter.chat(chat("""
                {"model": "gemini", "temperature": 0.3, "max_tokens": 100, "stop": "END", "n": 1,
                 "response_format": {"type": "json_schema", "json_schema": {"name": "a", "schema": {"type": "object"}}},
                 "messages": [
                  {"role": "system", "content": "Be brief."},
                  {"role": "user", "content": [{"type": "text", "text": "Look:"},
                     {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBO"}},
                     {"type": "image_url", "image_url": {"url": "https://example.com/a.webp"}}]},
                  {"role": "assistant", "content": null, "tool_calls": [{"id": "call_9", "type": "function",
                     "function": {"name": "lookup", "arguments": "{\\"q\\":\\"cat\\"}"}}]},
                  {"role": "tool", "tool_call_id": "call_9", "content": "a cat"}],
                 "tools": [{"type": "function", "function": {"name": "lookup", "description": "Find",
                            "parameters": {"type": "object"}}}],
                 "tool_choice": {"type": "function", "function": {"name": "lookup"}}}
                """), context());
        var request = upstream.takeRequest();
        assertEquals("/v1beta/models/gemini-2.5-pro:generateContent", request.path(), "no key in the URL");
        assertEquals("AIza-test-key", request.header("x-goog-api-key").orElseThrow());
        JsonNode body = JSON.readTree(request.bodyText());
        assertEquals("Be brief.", body.path("systemInstruction").path("parts").path(0).path("text").asText());
        JsonNode contents = body.path("contents");
        assertEquals("user", contents.path(0).path("role").asText());
        assertEquals("{\"mimeType\":\"image/png\",\"data\":\"iVBO\"}", contents.path(0).path("parts").path(1).path("inlineData").toString());
        assertEquals("{\"mimeType\":\"image/webp\",\"fileUri\":\"https://example.com/a.webp\"}",
                contents.path(0).path("parts").path(2).path("fileData").toString());
        assertEquals("model", contents.path(1).path("role").asText());
        assertEquals("{\"name\":\"lookup\",\"args\":{\"q\":\"cat\"}}", contents.path(1).path("parts").path(0).path("functionCall").toString());
        assertEquals("lookup", contents.path(2).path("parts").path(0).path("functionResponse").path("name").asText(),
                "the result is matched to its call by name");
        assertEquals("a cat", contents.path(2).path("parts").path(0).path("functionResponse").path("response").path("content").asText());
        assertEquals("lookup", body.path("tools").path(0).path("functionDeclarations").path(0).path("name").asText());
        assertEquals("{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"lookup\"]}",
                body.path("toolConfig").path("functionCallingConfig").toString());
        JsonNode config = body.path("generationConfig");
        assertEquals(0.3, config.path("temperature").asDouble());
        assertEquals(100, config.path("maxOutputTokens").asInt());
        assertEquals("[\"END\"]", config.path("stopSequences").toString());
        assertEquals("application/json", config.path("responseMimeType").asText());
        assertEquals("object", config.path("responseJsonSchema").path("type").asText());
    }

    @Test
    void usageCountsCachedPromptTokensAndThinkingAsOutput() throws Exception {
        upstream.tokens(1000, 800, 40);
        ModelResponse response = adapter.chat(chat("{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                context());
        long words = "Hello from the fake Gemini API.".split(" ").length;
        assertEquals(new Usage(1000, words + 40, 800, 40), response.usage().orElseThrow());
    }

    @Test
    void aFunctionCallAnswerIsAToolCallAndABlockedPromptIsAContentPolicyError() throws Exception {
        upstream.replyWithFunctionCall("lookup", "{\"q\":\"dog\"}");
        ModelResponse response = adapter.chat(chat("{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"dog?\"}]}"),
                context());
        JsonNode call = response.body().path("choices").path(0).path("message").path("tool_calls").path(0);
        assertEquals("lookup", call.path("function").path("name").asText());
        assertEquals("{\"q\":\"dog\"}", call.path("function").path("arguments").asText());
        assertEquals("tool_calls", response.body().path("choices").path(0).path("finish_reason").asText());
        List<ChatChunk> chunks = new ArrayList<>();
        try (ChunkStream stream = adapter.streamChat(chat("{\"model\":\"g\",\"stream\":true,\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"dog?\"}]}"), context())) {
            for (ChatChunk chunk = stream.next(); chunk != null; chunk = stream.next()) {
                chunks.add(chunk);
            }
        }
        assertEquals("lookup", chunks.getFirst().data().path("choices").path(0).path("delta").path("tool_calls").path(0)
                .path("function").path("name").asText());

        FakeGemini blocking = new FakeGemini().blockPrompts();
        try (blocking) {
            GatewayException blocked = assertThrows(GatewayException.class, () -> adapter.chat(chat(
                    "{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"bad\"}]}"),
                    new ProviderContext(Deployments.of("gemini/x", blocking.baseUri().toString(), "k"),
                            new JdkHttpTransport(), JSON, "call-2")));
            assertEquals(ErrorKind.CONTENT_POLICY, blocked.kind());
        }
    }

    @Test
    void unsupportedParametersAreRefusedAndEmbeddingsBatched() throws Exception {
        GatewayException refused = assertThrows(GatewayException.class, () -> adapter.chat(chat(
                "{\"model\":\"g\",\"logit_bias\":{},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), context()));
        assertEquals("logit_bias", refused.param().orElseThrow());
        ModelResponse embeddings = adapter.embed(new EmbeddingRequest((ObjectNode) JSON.readTree(
                "{\"model\":\"e\",\"input\":[\"a\",\"b\"],\"dimensions\":3}")), context());
        JsonNode sent = JSON.readTree(upstream.takeRequest().bodyText());
        assertEquals("models/gemini-2.5-pro", sent.path("requests").path(0).path("model").asText());
        assertEquals(3, sent.path("requests").path(1).path("outputDimensionality").asInt());
        assertEquals(2, embeddings.body().path("data").size());
        assertFalse(embeddings.body().path("data").path(1).path("embedding").isEmpty());
        assertTrue(embeddings.body().path("data").path(1).path("index").asInt() == 1);
    }
}
