package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeAnthropic;
import dev.sluice.testkit.FakeOpenAi;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An OpenAI-shaped call answered by Anthropic through the shipped plugin, directly and as a fallback. */
class AnthropicEndToEndTest {

    @TempDir
    Path dir;
    private FakeOpenAi openAi;
    private FakeAnthropic anthropic;
    private RunningGateway gateway;

    @BeforeEach
    void start() {
        openAi = new FakeOpenAi();
        anthropic = new FakeAnthropic().reply("Bonjour from Claude").inputTokens(20, 100, 0);
        gateway = RunningGateway.start(dir, """
                model_list:
                  - model_name: gpt-4o
                    litellm_params: {model: openai/gpt-4o, api_base: "%s/v1", api_key: sk-openai}
                  - model_name: claude-sonnet-4
                    litellm_params: {model: anthropic/claude-sonnet-4-0, api_base: "%s", api_key: sk-ant-secret}
                    model_info: {id: claude, max_output_tokens: 64000}
                general_settings: {master_key: %s}
                litellm_settings: {drop_params: true}
                router_settings: {num_retries: 0, fallbacks: [{gpt-4o: [claude-sonnet-4]}]}
                """.formatted(openAi.baseUri(), anthropic.baseUri(), MASTER_KEY));
    }

    @AfterEach
    void stop() {
        gateway.close();
        openAi.close();
        anthropic.close();
    }

    @Test
    void anOpenAiCallIsAnsweredByClaudeInOpenAisShape() throws Exception {
        HttpResponse<String> response = gateway.postWithMasterKey("/v1/chat/completions", """
                {"model": "claude-sonnet-4", "seed": 1, "messages": [{"role": "system", "content": "Be French."},
                 {"role": "user", "content": "Hi"}]}""");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = RunningGateway.json(response);
        assertEquals("chat.completion", body.path("object").asText());
        assertEquals("Bonjour from Claude", body.path("choices").path(0).path("message").path("content").asText());
        assertEquals(120, body.path("usage").path("prompt_tokens").asInt(), "20 uncached + 100 read from the cache");
        assertEquals(100, body.path("usage").path("prompt_tokens_details").path("cached_tokens").asInt());
        JsonNode sent = RunningGateway.JSON.readTree(anthropic.takeRequest().bodyText());
        assertEquals(64000, sent.path("max_tokens").asInt(), "from model_info");
        assertTrue(!sent.has("seed"), "litellm_settings.drop_params dropped what Anthropic cannot take");
        assertEquals("Be French.", sent.path("system").path(0).path("text").asText());
    }

    @Test
    void aStreamFromClaudeArrivesAsOpenAiChunksEndingInDone() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + MASTER_KEY).POST(HttpRequest.BodyPublishers.ofString("""
                        {"model": "claude-sonnet-4", "stream": true, "stream_options": {"include_usage": true},
                         "messages": [{"role": "user", "content": "Hi"}]}""")).build();
        HttpResponse<Stream<String>> response = gateway.client().send(request, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        List<String> events;
        try (Stream<String> lines = response.body()) {
            events = lines.filter(line -> line.startsWith("data: ")).map(line -> line.substring(6)).toList();
        }
        assertEquals("[DONE]", events.getLast());
        StringBuilder text = new StringBuilder();
        for (String event : events.subList(0, events.size() - 1)) {
            text.append(RunningGateway.JSON.readTree(event).path("choices").path(0).path("delta").path("content").asText(""));
        }
        assertEquals("Bonjour from Claude", text.toString());
        JsonNode usage = RunningGateway.JSON.readTree(events.get(events.size() - 2)).path("usage");
        assertEquals(3, usage.path("completion_tokens").asInt());
    }

    @Test
    void anOpenAiGroupThatFailsFallsBackToClaude() {
        openAi.failNext(500, null);
        HttpResponse<String> response = gateway.postWithMasterKey("/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("Bonjour from Claude",
                RunningGateway.json(response).path("choices").path(0).path("message").path("content").asText());
        assertEquals("1", response.headers().firstValue("x-litellm-attempted-fallbacks").orElseThrow());
        assertEquals("claude", response.headers().firstValue("x-litellm-model-id").orElseThrow());
        assertTrue(!response.body().contains("sk-ant-secret"));
    }
}
