package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeOpenAi;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LiteLLM's guardrails with the first-party guardrail plugins loaded from the distribution: PII
 * masked before the upstream sees it and put back in the answer, a during_call refusal answered
 * at once while the upstream call is abandoned, per-key and per-request switches, and LiteLLM's
 * guardrail endpoints.
 */
class GuardrailsEndToEndTest {

    @TempDir
    Path dir;
    private final FakeOpenAi openAi = new FakeOpenAi().reply("I will write to <EMAIL_ADDRESS_1> today.");
    private RunningGateway gateway;

    @BeforeEach
    void start() {
        gateway = RunningGateway.start(dir, """
                model_list:
                  - model_name: gpt
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s/v1", api_key: sk-provider}
                guardrails:
                  - guardrail_name: mask-pii
                    litellm_params: {guardrail: pii_masking, mode: [pre_call, post_call], default_on: true,
                                     output_parse_pii: true}
                  - guardrail_name: house-rules
                    litellm_params:
                      guardrail: litellm_content_filter
                      mode: during_call
                      blocked_words: ["project falcon"]
                    guardrail_info: {owner: platform}
                general_settings: {master_key: %s}
                """.formatted(openAi.baseUri(), MASTER_KEY));
    }

    @AfterEach
    void stop() {
        gateway.close();
        openAi.close();
    }

    private static String chat(String content, String extra) {
        return "{\"model\": \"gpt\", \"messages\": [{\"role\": \"user\", \"content\": \"" + content + "\"}]" + extra + "}";
    }

    @Test
    void anEmailIsMaskedBeforeTheUpstreamSeesItAndPutBackInTheAnswer() throws Exception {
        HttpResponse<String> answer = gateway.postWithMasterKey("/v1/chat/completions",
                chat("Draft a note to jane.doe@example.com about the launch", ""));
        assertEquals(200, answer.statusCode(), answer.body());
        String sent = openAi.takeRequest().bodyText();
        assertFalse(sent.contains("jane.doe@example.com"), sent);
        assertTrue(sent.contains("<EMAIL_ADDRESS_1>"), sent);
        assertEquals("I will write to jane.doe@example.com today.",
                json(answer).path("choices").path(0).path("message").path("content").asText());
    }

    @Test
    void aDuringCallRefusalAnswersAnOpenAiShaped400WhileTheUpstreamStillHoldsItsAnswer() throws Exception {
        CountDownLatch upstream = openAi.stallNext();
        try {
            CompletableFuture<HttpResponse<String>> call = gateway.client().sendAsync(HttpRequest.newBuilder(
                    gateway.uri("/v1/chat/completions")).header("Authorization", "Bearer " + MASTER_KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(chat("Tell me about Project Falcon",
                            ", \"guardrails\": [\"house-rules\"]"))).build(), HttpResponse.BodyHandlers.ofString());
            // the stalled upstream answers only when released below: an answer now cannot have waited for it
            HttpResponse<String> refused = call.get(20, TimeUnit.SECONDS);
            assertEquals(400, refused.statusCode(), refused.body());
            JsonNode error = json(refused).path("error");
            assertTrue(error.path("message").asText().contains("guardrail 'house-rules'"), refused.body());
            assertEquals("400", error.path("code").asText());
            assertFalse(openAi.takeRequest().bodyText().contains("\"guardrails\""), "not sent upstream");
        } finally {
            upstream.countDown();
        }
    }

    @Test
    void aKeysGuardrailsApplyToItsCallsAndAnUnknownNameIsRefused() {
        String key = json(gateway.postWithMasterKey("/key/generate", "{\"guardrails\": [\"house-rules\"]}"))
                .path("key").asText();
        HttpResponse<String> refused = gateway.post("/v1/chat/completions", chat("project falcon status?", ""),
                "Authorization", "Bearer " + key);
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals(200, gateway.postWithMasterKey("/v1/chat/completions", chat("project falcon status?", ""))
                .statusCode(), "the master key's calls do not name house-rules");
        HttpResponse<String> unknown = gateway.postWithMasterKey("/v1/chat/completions",
                chat("hi", ", \"guardrails\": [\"no-such-guard\"]"));
        assertEquals(400, unknown.statusCode());
        assertEquals("guardrails", json(unknown).path("error").path("param").asText());
    }

    @Test
    void aTeamsGuardrailsApplyToItsKeysAndOnlyAnAdminChangesAKeysGuardrails() {
        gateway.postWithMasterKey("/team/new", "{\"team_id\": \"falcon-free\", \"guardrails\": [\"house-rules\"]}");
        String teamKey = json(gateway.postWithMasterKey("/key/generate", "{\"team_id\": \"falcon-free\"}"))
                .path("key").asText();
        assertEquals(400, gateway.post("/v1/chat/completions", chat("project falcon status?", ""),
                "Authorization", "Bearer " + teamKey).statusCode(), "the team's guardrail");
        gateway.postWithMasterKey("/user/new", "{\"user_id\": \"dana\"}");
        String own = json(gateway.postWithMasterKey("/key/generate", "{\"user_id\": \"dana\", \"guardrails\": "
                + "[\"house-rules\"]}")).path("key").asText();
        HttpResponse<String> edited = gateway.post("/key/update", "{\"key\": \"" + own + "\", \"metadata\": "
                + "{\"purpose\": \"demo\", \"guardrails\": []}}", "Authorization", "Bearer " + own);
        assertEquals(200, edited.statusCode(), edited.body());
        assertEquals(400, gateway.post("/v1/chat/completions", chat("project falcon status?", ""),
                "Authorization", "Bearer " + own).statusCode(), "its owner could not take the key's guardrail off");
    }

    @Test
    void liteLlmsGuardrailEndpointsListAndApplyThem() {
        JsonNode list = json(gateway.get("/guardrails/list", "Authorization", "Bearer " + MASTER_KEY));
        assertEquals(2, list.path("guardrails").size());
        JsonNode house = list.path("guardrails").path(1);
        assertEquals("house-rules", house.path("guardrail_name").asText());
        assertEquals("litellm_content_filter", house.path("litellm_params").path("guardrail").asText());
        assertEquals("during_call", house.path("litellm_params").path("mode").path(0).asText());
        assertEquals("platform", house.path("guardrail_info").path("owner").asText());
        assertFalse(house.path("litellm_params").has("blocked_words"), "settings stay private");

        JsonNode applied = json(gateway.postWithMasterKey("/guardrails/apply_guardrail",
                "{\"guardrail_name\": \"mask-pii\", \"text\": \"call 555-123-4567\"}"));
        assertEquals("call <PHONE_NUMBER_1>", applied.path("response_text").asText());
        assertEquals(400, gateway.postWithMasterKey("/guardrails/apply_guardrail",
                "{\"guardrail_name\": \"house-rules\", \"text\": \"project falcon\"}").statusCode());
    }
}
