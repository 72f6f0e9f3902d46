package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeOpenAi;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Responses API on a model group served by OpenAI itself: passed on untranslated (OpenAI's
 * own tools, previous_response_id as OpenAI keeps it), answered as OpenAI answered, streamed
 * events byte for byte, priced from the usage OpenAI reports, and kept for GET.
 */
class NativeResponsesTest {

    @TempDir
    Path dir;
    private FakeOpenAi openAi;
    private RunningGateway gateway;

    @BeforeEach
    void start() {
        openAi = new FakeOpenAi().reply("Hello from OpenAI").promptTokens(20, 0);
        gateway = RunningGateway.start(dir, """
                model_list:
                  - model_name: gpt
                    litellm_params: {model: openai/gpt-4.1, api_base: "%s/v1", api_key: sk-openai}
                    model_info: {input_cost_per_token: 0.000002, output_cost_per_token: 0.000008}
                general_settings: {master_key: %s}
                """.formatted(openAi.baseUri(), MASTER_KEY));
    }

    @AfterEach
    void stop() {
        gateway.close();
        openAi.close();
    }

    @Test
    void openAisOwnToolsAndContinuationsReachOpenAiAsSent() throws Exception {
        HttpResponse<String> created = gateway.postWithMasterKey("/v1/responses", """
                {"model": "gpt", "input": "News today?", "tools": [{"type": "web_search"}],
                 "previous_response_id": "resp_kept_by_openai", "include": ["reasoning.encrypted_content"]}""");
        assertEquals(200, created.statusCode(), created.body());
        JsonNode sent = RunningGateway.JSON.readTree(openAi.takeRequest().body());
        assertEquals("web_search", sent.path("tools").path(0).path("type").asText(), "untranslated: " + sent);
        assertEquals("resp_kept_by_openai", sent.path("previous_response_id").asText());
        assertEquals("gpt-4.1", sent.path("model").asText(), "the deployment's model");
        JsonNode response = json(created);
        assertEquals("Hello from OpenAI", response.path("output").path(0).path("content").path(0).path("text").asText());
        assertEquals(response, json(gateway.get("/v1/responses/" + response.path("id").asText(),
                "Authorization", "Bearer " + MASTER_KEY)), "kept for GET as it came");

        assertTrue(gateway.server().gateway().spend().flush());
        JsonNode log = json(gateway.get("/spend/logs", "Authorization", "Bearer " + MASTER_KEY)).path(0);
        assertEquals("responses", log.path("call_type").asText());
        // 20 input tokens at $2/M, 3 output tokens at $8/M
        assertEquals(0, new BigDecimal("0.000064").compareTo(log.path("spend").decimalValue()), log.toString());
    }

    @Test
    void aStreamPassesOpenAisEventsThroughAndIsPricedFromItsCompletedEvent() throws Exception {
        HttpResponse<String> streamed = gateway.postWithMasterKey("/v1/responses",
                "{\"model\": \"gpt\", \"input\": \"Hi\", \"stream\": true}");
        assertEquals(200, streamed.statusCode(), streamed.body());
        assertTrue(streamed.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        assertTrue(streamed.body().startsWith("event: response.created\n"), streamed.body());
        assertTrue(streamed.body().contains("event: response.completed\n"), streamed.body());
        assertTrue(gateway.server().gateway().spend().flush());
        JsonNode log = json(gateway.get("/spend/logs", "Authorization", "Bearer " + MASTER_KEY)).path(0);
        assertEquals("success", log.path("status").asText(), log.toString());
        assertEquals(20, log.path("prompt_tokens").asInt(), log.toString());
        assertEquals(0, new BigDecimal("0.000064").compareTo(log.path("spend").decimalValue()), log.toString());
    }
}
