package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeOpenAi;
import dev.sluice.testkit.RecordedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatCompletionsTest {

    private static final String PROVIDER_KEY = "sk-provider-key-for-upstream";
    private static final String CHAT = """
            {"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],
             "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{}}}}],
             "tool_choice":"auto","response_format":{"type":"json_object"},"n":1,"stop":["\\n\\n"],"seed":7,
             "logprobs":false,"user":"end-user-1","my_vendor_flag":true}""";

    @TempDir
    Path dir;
    private FakeOpenAi upstream;
    private RunningGateway gateway;

    @BeforeEach
    void start() {
        upstream = new FakeOpenAi();
        gateway = RunningGateway.start(dir, """
                model_list:
                  - model_name: gpt-4o-mini
                    litellm_params:
                      model: openai/gpt-4o-mini
                      api_base: %s/v1
                      api_key: %s
                    model_info: {id: deployment-1}
                general_settings:
                  master_key: %s
                """.formatted(upstream.baseUri(), PROVIDER_KEY, MASTER_KEY));
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void answersWithTheUpstreamsChatCompletionAndLiteLlmsHeaders() {
        HttpResponse<String> response = gateway.postWithMasterKey("/v1/chat/completions", CHAT);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertEquals("chat.completion", body.path("object").asText());
        assertEquals("Hello from the fake OpenAI upstream.", body.path("choices").path(0).path("message").path("content").asText());
        assertEquals(12, body.path("usage").path("prompt_tokens").asInt());
        assertEquals("deployment-1", response.headers().firstValue("x-litellm-model-id").orElseThrow());
        assertEquals(upstream.baseUri() + "/v1", response.headers().firstValue("x-litellm-model-api-base").orElseThrow());
        assertFalse(response.headers().firstValue("x-litellm-call-id").orElseThrow().isBlank());
        double total = Double.parseDouble(response.headers().firstValue("x-litellm-response-duration-ms").orElseThrow());
        double overhead = Double.parseDouble(response.headers().firstValue("x-litellm-overhead-duration-ms").orElseThrow());
        assertTrue(overhead >= 0 && overhead <= total, overhead + " of " + total);
    }

    @Test
    void everyParameterReachesTheUpstreamAndOnlyTheModelChanges() throws Exception {
        gateway.postWithMasterKey("/chat/completions", CHAT.replace("\"gpt-4o-mini\"", "\"gpt-4o-mini\""));
        JsonNode sent = RunningGateway.JSON.readTree(upstream.takeRequest().body());
        JsonNode original = RunningGateway.JSON.readTree(CHAT);
        for (String field : List.of("messages", "tools", "tool_choice", "response_format", "n", "stop", "seed",
                "logprobs", "user", "my_vendor_flag")) {
            assertEquals(original.get(field), sent.get(field), field);
        }
        assertEquals("gpt-4o-mini", sent.path("model").asText());
    }

    @Test
    void theMasterKeyIsNeverForwardedTheProviderKeyIs() {
        gateway.post("/v1/chat/completions", CHAT, "x-api-key", MASTER_KEY);
        RecordedRequest request = upstream.takeRequest();
        assertEquals("Bearer " + PROVIDER_KEY, request.header("authorization").orElseThrow());
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            assertFalse(header.getValue().toString().contains(MASTER_KEY), "master key sent upstream in " + header.getKey());
        }
        assertFalse(request.bodyText().contains(MASTER_KEY));
    }

    @Test
    void theMasterKeyWorksInEveryHeaderLiteLlmAccepts() {
        for (String[] header : List.of(new String[] {"Authorization", "Bearer " + MASTER_KEY},
                new String[] {"API-Key", MASTER_KEY}, new String[] {"x-api-key", MASTER_KEY},
                new String[] {"x-litellm-api-key", MASTER_KEY}, new String[] {"x-goog-api-key", MASTER_KEY})) {
            assertEquals(200, gateway.post("/v1/chat/completions", CHAT, header).statusCode(), header[0]);
        }
    }

    @Test
    void azureOpenAiClientsReachTheModelThroughTheDeploymentPath() {
        HttpResponse<String> response = gateway.post(
                "/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "api-key", MASTER_KEY);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("chat.completion", json(response).path("object").asText());
    }

    @Test
    void embeddingsAndTextCompletionsAreServed() {
        HttpResponse<String> embeddings = gateway.postWithMasterKey("/v1/embeddings",
                "{\"model\":\"gpt-4o-mini\",\"input\":[\"one\",\"two\"]}");
        assertEquals(200, embeddings.statusCode(), embeddings.body());
        assertEquals(2, json(embeddings).path("data").size());
        assertTrue(upstream.takeRequest().path().endsWith("/v1/embeddings"));

        HttpResponse<String> completion = gateway.postWithMasterKey("/completions",
                "{\"model\":\"gpt-4o-mini\",\"prompt\":\"Say hi\"}");
        assertEquals(200, completion.statusCode(), completion.body());
        assertEquals("text_completion", json(completion).path("object").asText());
        assertTrue(upstream.takeRequest().path().endsWith("/v1/completions"));
    }
}
