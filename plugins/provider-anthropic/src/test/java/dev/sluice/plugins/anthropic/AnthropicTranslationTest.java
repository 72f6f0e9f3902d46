package dev.sluice.plugins.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Deployment;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.Secret;
import dev.sluice.api.Usage;
import dev.sluice.testkit.FakeAnthropic;
import dev.sluice.testkit.JdkHttpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** OpenAI in, Anthropic on the wire, OpenAI out: what the fake upstream receives and what the caller sees. */
class AnthropicTranslationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeAnthropic upstream = new FakeAnthropic();
    private final AnthropicProvider adapter = new AnthropicProvider();

    @AfterEach
    void stop() {
        upstream.close();
    }

    private Deployment deployment(String modelInfo, String extraParams) throws Exception {
        return new Deployment("d1", "claude", "anthropic", "claude-sonnet-4-5", Optional.of(upstream.baseUri().toString()),
                Optional.of(new Secret("sk-ant-test")), Optional.empty(), Duration.ofSeconds(10), Duration.ofSeconds(10),
                Map.of("anthropic-beta", "prompt-caching-2024-07-31"), (ObjectNode) JSON.readTree(extraParams),
                (ObjectNode) JSON.readTree(modelInfo));
    }

    private ProviderContext context(Deployment deployment) {
        return new ProviderContext(deployment, new JdkHttpTransport(), JSON, "call-1");
    }

    private static ChatRequest chat(String json) throws Exception {
        return new ChatRequest((ObjectNode) JSON.readTree(json));
    }

    private JsonNode sent() throws Exception {
        return JSON.readTree(upstream.takeRequest().bodyText());
    }

    @Test
    void aConversationWithSystemImagesToolCallsAndResultsBecomesAlternatingTurnsOfBlocks() throws Exception {
        adapter.chat(chat("""
                {"model": "claude", "temperature": 0.2, "stop": "END", "user": "u-42",
                 "messages": [
                  {"role": "system", "content": "Be brief."},
                  {"role": "developer", "content": [{"type": "text", "text": "Use metric units."}]},
                  {"role": "user", "content": [
                     {"type": "text", "text": "What is in these?"},
                     {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
                     {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,AAAA"}}]},
                  {"role": "assistant", "content": null, "tool_calls": [
                     {"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\\"city\\":\\"Oslo\\"}"}},
                     {"id": "call_2", "type": "function", "function": {"name": "weather", "arguments": "{\\"city\\":\\"Rome\\"}"}}]},
                  {"role": "tool", "tool_call_id": "call_1", "content": "3 C"},
                  {"role": "tool", "tool_call_id": "call_2", "content": "18 C"},
                  {"role": "user", "content": "Thanks"}],
                 "tools": [{"type": "function", "function": {"name": "weather", "description": "Weather now",
                            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
                 "tool_choice": "required", "parallel_tool_calls": false}
                """), context(deployment("{}", "{}")));
        var request = upstream.takeRequest();
        assertEquals("sk-ant-test", request.header("x-api-key").orElseThrow());
        assertEquals(AnthropicProvider.API_VERSION, request.header("anthropic-version").orElseThrow());
        assertEquals("prompt-caching-2024-07-31", request.header("anthropic-beta").orElseThrow());
        JsonNode body = JSON.readTree(request.bodyText());
        assertEquals("claude-sonnet-4-5", body.path("model").asText());
        assertEquals("[{\"type\":\"text\",\"text\":\"Be brief.\"},{\"type\":\"text\",\"text\":\"Use metric units.\"}]",
                body.path("system").toString());
        assertEquals(AnthropicRequests.DEFAULT_MAX_TOKENS, body.path("max_tokens").asInt());
        assertEquals("[\"END\"]", body.path("stop_sequences").toString());
        assertEquals("u-42", body.path("metadata").path("user_id").asText());
        JsonNode messages = body.path("messages");
        assertEquals(3, messages.size(), "user, assistant, user (both tool results and the next user message)");
        assertEquals("url", messages.path(0).path("content").path(1).path("source").path("type").asText());
        assertEquals("{\"type\":\"base64\",\"media_type\":\"image/jpeg\",\"data\":\"AAAA\"}",
                messages.path(0).path("content").path(2).path("source").toString());
        JsonNode calls = messages.path(1).path("content");
        assertEquals("tool_use", calls.path(0).path("type").asText());
        assertEquals("{\"city\":\"Oslo\"}", calls.path(0).path("input").toString());
        JsonNode results = messages.path(2).path("content");
        assertEquals("user", messages.path(2).path("role").asText());
        assertEquals("{\"type\":\"tool_result\",\"tool_use_id\":\"call_2\",\"content\":\"18 C\"}", results.path(1).toString());
        assertEquals("Thanks", messages.path(2).path("content").path(2).path("text").asText(),
                "a user message after tool results joins their turn");
        assertEquals("weather", body.path("tools").path(0).path("name").asText());
        assertEquals("object", body.path("tools").path(0).path("input_schema").path("type").asText());
        assertEquals("{\"type\":\"any\",\"disable_parallel_tool_use\":true}", body.path("tool_choice").toString());
    }

    @Test
    void maxTokensComesFromTheCallerElseTheModelInfo() throws Exception {
        String ask = "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]%s}";
        adapter.chat(chat(ask.formatted(",\"max_completion_tokens\":77")), context(deployment("{\"max_output_tokens\":64000}", "{}")));
        assertEquals(77, sent().path("max_tokens").asInt());
        adapter.chat(chat(ask.formatted("")), context(deployment("{\"max_output_tokens\":64000}", "{}")));
        assertEquals(64000, sent().path("max_tokens").asInt());
    }

    @Test
    void aParameterAnthropicCannotTakeIsRefusedNamingItUnlessParamsAreDropped() throws Exception {
        String ask = "{\"model\":\"claude\",\"seed\":7,\"logprobs\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]%s}";
        GatewayException refused = assertThrows(GatewayException.class,
                () -> adapter.chat(chat(ask.formatted("")), context(deployment("{}", "{}"))));
        assertEquals(400, refused.status());
        assertTrue(refused.getMessage().startsWith("anthropic does not support parameters: [logprobs, seed]"),
                refused.getMessage());
        assertEquals("logprobs", refused.param().orElseThrow());
        assertEquals(0, upstream.pendingRequests());

        adapter.chat(chat(ask.formatted(",\"drop_params\":true")), context(deployment("{}", "{}")));
        JsonNode dropped = sent();
        assertFalse(dropped.has("seed") || dropped.has("logprobs") || dropped.has("drop_params"));
        adapter.chat(chat(ask.formatted("")), context(deployment("{}", "{\"drop_params\":true}")));
        assertFalse(sent().has("seed"), "drop_params in litellm_params (or litellm_settings) does the same");
    }

    @Test
    void usageCountsCachedAndCacheWrittenInputTokens() throws Exception {
        upstream.inputTokens(10, 2000, 300);
        ModelResponse response = adapter.chat(chat("{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                context(deployment("{}", "{}")));
        long words = "Hello from the fake Anthropic upstream.".split(" ").length;
        assertEquals(new Usage(2310, words, 2000, 0, 300), response.usage().orElseThrow());
        assertEquals(300, response.body().path("usage").path("cache_creation_input_tokens").asInt());
        assertEquals("stop", response.body().path("choices").path(0).path("finish_reason").asText());
    }

    @Test
    void aToolUseAnswerBecomesToolCallsPlainAndStreamed() throws Exception {
        upstream.replyWithToolUse("weather", "{\"city\":\"Oslo\",\"unit\":\"C\"}");
        String ask = "{\"model\":\"claude\",%s\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Oslo?\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"weather\",\"parameters\":{\"type\":\"object\"}}}]}";
        ModelResponse plain = adapter.chat(chat(ask.formatted("")), context(deployment("{}", "{}")));
        JsonNode message = plain.body().path("choices").path(0).path("message");
        assertTrue(message.path("content").isNull());
        assertEquals("weather", message.path("tool_calls").path(0).path("function").path("name").asText());
        assertEquals("{\"city\":\"Oslo\",\"unit\":\"C\"}", message.path("tool_calls").path(0).path("function").path("arguments").asText());
        assertEquals("tool_calls", plain.body().path("choices").path(0).path("finish_reason").asText());

        List<ChatChunk> chunks = drain(adapter.streamChat(chat(ask.formatted("\"stream\":true,")), context(deployment("{}", "{}"))));
        StringBuilder arguments = new StringBuilder();
        String name = null;
        String finish = null;
        for (ChatChunk chunk : chunks) {
            JsonNode choice = chunk.data().path("choices").path(0);
            JsonNode call = choice.path("delta").path("tool_calls").path(0);
            if (call.path("function").has("name")) {
                name = call.path("function").path("name").asText();
                assertEquals(0, call.path("index").asInt());
            }
            arguments.append(call.path("function").path("arguments").asText(""));
            finish = choice.path("finish_reason").isTextual() ? choice.path("finish_reason").asText() : finish;
        }
        assertEquals("weather", name);
        assertEquals("{\"city\":\"Oslo\",\"unit\":\"C\"}", arguments.toString());
        assertEquals("tool_calls", finish);
    }

    @Test
    void aResponseFormatIsAForcedToolWhoseInputIsTheAnswer() throws Exception {
        upstream.replyWithToolUse(AnthropicRequests.JSON_TOOL, "{\"answer\":42}");
        String ask = "{\"model\":\"claude\",%s\"messages\":[{\"role\":\"user\",\"content\":\"Answer in JSON\"}],"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"a\",\"schema\":"
                + "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"integer\"}}}}}}";
        ModelResponse plain = adapter.chat(chat(ask.formatted("")), context(deployment("{}", "{}")));
        JsonNode sent = sent();
        assertEquals("{\"type\":\"tool\",\"name\":\"json_tool_call\"}", sent.path("tool_choice").toString());
        assertEquals("integer", sent.path("tools").path(0).path("input_schema").path("properties").path("answer")
                .path("type").asText());
        assertEquals("{\"answer\":42}", plain.body().path("choices").path(0).path("message").path("content").asText());
        assertEquals("stop", plain.body().path("choices").path(0).path("finish_reason").asText());
        StringBuilder streamed = new StringBuilder();
        for (ChatChunk chunk : drain(adapter.streamChat(chat(ask.formatted("\"stream\":true,")), context(deployment("{}", "{}"))))) {
            streamed.append(chunk.data().path("choices").path(0).path("delta").path("content").asText(""));
            assertFalse(chunk.data().path("choices").path(0).path("delta").has("tool_calls"));
        }
        assertEquals("{\"answer\":42}", streamed.toString());
    }

    @Test
    void aStreamThatDiesHalfwayIsAnErrorAndOverloadIsRetryable() throws Exception {
        upstream.breakNextStream();
        ChunkStream stream = adapter.streamChat(chat("{\"model\":\"claude\",\"stream\":true,\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"hi\"}]}"), context(deployment("{}", "{}")));
        assertEquals("assistant", stream.next().data().path("choices").path(0).path("delta").path("role").asText());
        assertEquals("Hello", stream.next().data().path("choices").path(0).path("delta").path("content").asText());
        GatewayException broke = assertThrows(GatewayException.class, stream::next);
        assertEquals(ErrorKind.UPSTREAM_UNAVAILABLE, broke.kind());
        stream.close();

        upstream.failNext(529, null);
        GatewayException overloaded = assertThrows(GatewayException.class, () -> adapter.chat(chat(
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), context(deployment("{}", "{}"))));
        assertEquals(ErrorKind.UPSTREAM_UNAVAILABLE, overloaded.kind());
        assertEquals(503, overloaded.status());
        assertTrue(overloaded.kind().retryable());
    }

    @Test
    void theApiBaseMayBeTheHostTheV1PathOrTheWholeUrl() throws Exception {
        for (String base : List.of("https://api.anthropic.com", "https://api.anthropic.com/v1/",
                "https://api.anthropic.com/v1/messages")) {
            Deployment deployment = new Deployment("d", "g", "anthropic", "m", Optional.of(base), Optional.empty(),
                    Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(1), Map.of(), JSON.createObjectNode(),
                    JSON.createObjectNode());
            assertEquals("https://api.anthropic.com/v1/messages", AnthropicProvider.endpoint(deployment).toString());
        }
    }

    private static List<ChatChunk> drain(ChunkStream stream) {
        List<ChatChunk> chunks = new ArrayList<>();
        try (stream) {
            for (ChatChunk chunk = stream.next(); chunk != null; chunk = stream.next()) {
                chunks.add(chunk);
            }
            assertNull(stream.next());
        }
        return chunks;
    }
}
