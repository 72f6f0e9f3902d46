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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Anthropic Messages API in front of any provider, called as Anthropic's SDKs call it
 * ({@code x-api-key}, {@code anthropic-version}): an OpenAI model answers in Anthropic's shapes,
 * streamed and not, and a Claude model's tool use survives the round trip through the gateway's
 * OpenAI-shaped core.
 */
class MessagesEndpointTest {

    @TempDir
    Path dir;
    private FakeOpenAi openAi;
    private FakeAnthropic anthropic;
    private RunningGateway gateway;

    @BeforeEach
    void start() {
        openAi = new FakeOpenAi().reply("Hi from GPT").promptTokens(30, 10);
        anthropic = new FakeAnthropic();
        gateway = RunningGateway.start(dir, """
                model_list:
                  - model_name: gpt-4o
                    litellm_params: {model: openai/gpt-4o, api_base: "%s/v1", api_key: sk-openai}
                  - model_name: claude-sonnet-4
                    litellm_params: {model: anthropic/claude-sonnet-4-0, api_base: "%s", api_key: sk-ant}
                general_settings: {master_key: %s}
                """.formatted(openAi.baseUri(), anthropic.baseUri(), MASTER_KEY));
    }

    @AfterEach
    void stop() {
        gateway.close();
        openAi.close();
        anthropic.close();
    }

    private HttpResponse<String> post(String path, String body, String key) {
        return gateway.send(HttpRequest.newBuilder(gateway.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("x-api-key", key).header("anthropic-version", "2023-06-01")
                .header("content-type", "application/json").build());
    }

    @Test
    void anOpenAiModelAnswersInAnthropicsShape() throws Exception {
        HttpResponse<String> response = post("/v1/messages", """
                {"model": "gpt-4o", "max_tokens": 100, "system": "Be brief.",
                 "messages": [{"role": "user", "content": [{"type": "text", "text": "Hello"}]}],
                 "tools": [{"name": "lookup", "description": "Find", "input_schema": {"type": "object"}}],
                 "tool_choice": {"type": "auto"}}""", MASTER_KEY);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode message = RunningGateway.json(response);
        assertEquals("message", message.path("type").asText());
        assertEquals("assistant", message.path("role").asText());
        assertEquals("Hi from GPT", message.path("content").path(0).path("text").asText());
        assertEquals("end_turn", message.path("stop_reason").asText());
        assertEquals(20, message.path("usage").path("input_tokens").asInt(), "30 prompt tokens, 10 of them cached");
        assertEquals(10, message.path("usage").path("cache_read_input_tokens").asInt());
        assertEquals(3, message.path("usage").path("output_tokens").asInt());
        JsonNode sent = RunningGateway.JSON.readTree(openAi.takeRequest().bodyText());
        assertEquals("system", sent.path("messages").path(0).path("role").asText());
        assertEquals("lookup", sent.path("tools").path(0).path("function").path("name").asText());
        assertEquals("auto", sent.path("tool_choice").asText());
    }

    @Test
    void aStreamIsAnthropicsEventSequence() throws Exception {
        List<String[]> events = events("""
                {"model": "gpt-4o", "max_tokens": 100, "stream": true,
                 "messages": [{"role": "user", "content": "Hello"}]}""");
        List<String> names = events.stream().map(event -> event[0]).distinct().toList();
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop"), names);
        StringBuilder text = new StringBuilder();
        JsonNode messageDelta = null;
        for (String[] event : events) {
            JsonNode data = RunningGateway.JSON.readTree(event[1]);
            assertEquals(event[0], data.path("type").asText());
            text.append(data.path("delta").path("text").asText(""));
            if (event[0].equals("message_delta")) {
                messageDelta = data;
            }
        }
        assertEquals("Hi from GPT", text.toString());
        assertEquals("end_turn", messageDelta.path("delta").path("stop_reason").asText());
        assertEquals(3, messageDelta.path("usage").path("output_tokens").asInt());
    }

    @Test
    void claudesToolUseSurvivesTheRoundTripStreamed() throws Exception {
        anthropic.replyWithToolUse("lookup", "{\"q\":\"cats\"}");
        List<String[]> events = events("""
                {"model": "claude-sonnet-4", "max_tokens": 100, "stream": true,
                 "tools": [{"name": "lookup", "input_schema": {"type": "object"}}],
                 "messages": [{"role": "user", "content": "find cats"},
                              {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "lookup",
                                                                 "input": {"q": "dogs"}}]},
                              {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1",
                                                            "content": "none"}, {"type": "text", "text": "try cats"}]}]}""");
        JsonNode blockStart = null;
        StringBuilder input = new StringBuilder();
        String stopReason = null;
        for (String[] event : events) {
            JsonNode data = RunningGateway.JSON.readTree(event[1]);
            if (event[0].equals("content_block_start")) {
                blockStart = data.path("content_block");
            }
            input.append(data.path("delta").path("partial_json").asText(""));
            if (event[0].equals("message_delta")) {
                stopReason = data.path("delta").path("stop_reason").asText();
            }
        }
        assertEquals("tool_use", blockStart.path("type").asText());
        assertEquals("lookup", blockStart.path("name").asText());
        assertEquals("{\"q\":\"cats\"}", input.toString());
        assertEquals("tool_use", stopReason);
        JsonNode upstream = RunningGateway.JSON.readTree(anthropic.takeRequest().bodyText()).path("messages");
        assertEquals("tool_use", upstream.path(1).path("content").path(0).path("type").asText());
        assertEquals("{\"q\":\"dogs\"}", upstream.path(1).path("content").path(0).path("input").toString());
        assertEquals("tool_result", upstream.path(2).path("content").path(0).path("type").asText());
        assertEquals("try cats", upstream.path(2).path("content").path(1).path("text").asText());
    }

    @Test
    void errorsAreInAnthropicsShape() {
        HttpResponse<String> noMax = post("/v1/messages", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}", MASTER_KEY);
        assertEquals(400, noMax.statusCode());
        JsonNode error = RunningGateway.json(noMax);
        assertEquals("error", error.path("type").asText());
        assertEquals("invalid_request_error", error.path("error").path("type").asText());
        assertTrue(error.path("error").path("message").asText().startsWith("max_tokens: Field required"));
        HttpResponse<String> badKey = post("/v1/messages", "{}", "sk-wrong");
        assertEquals(401, badKey.statusCode());
        assertEquals("authentication_error", RunningGateway.json(badKey).path("error").path("type").asText());
    }

    @Test
    void countTokensEstimatesThePrompt() {
        HttpResponse<String> response = post("/v1/messages/count_tokens", "{\"model\":\"gpt-4o\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"" + "word ".repeat(100) + "\"}]}", MASTER_KEY);
        assertEquals(200, response.statusCode(), response.body());
        int tokens = RunningGateway.json(response).path("input_tokens").asInt();
        assertTrue(tokens > 100 && tokens < 200, "about 500 characters: " + tokens);
    }

    private List<String[]> events(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v1/messages")).header("x-api-key", MASTER_KEY)
                .header("anthropic-version", "2023-06-01").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<Stream<String>> response = gateway.client().send(request, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        List<String[]> events = new ArrayList<>();
        try (Stream<String> lines = response.body()) {
            String name = null;
            for (String line : lines.toList()) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    events.add(new String[] {name, line.substring(6)});
                }
            }
        }
        return events;
    }
}
