package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeLogIntake;
import dev.sluice.testkit.FakeOpenAi;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LiteLLM's operational alerts to a webhook: failed calls raise llm_exceptions once per deployment
 * and error within the window, a caller's own error raises nothing, and a call with no answer for
 * alerting_threshold raises llm_requests_hanging naming it.
 */
class OperationalAlertsEndToEndTest {

    @TempDir
    Path dir;
    private final FakeOpenAi openAi = new FakeOpenAi().reply("fine");
    private final FakeLogIntake webhook = new FakeLogIntake();
    private RunningGateway gateway;

    @BeforeEach
    void start() {
        gateway = RunningGateway.start(dir, """
                model_list:
                  - model_name: gpt
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s/v1", api_key: sk-x}
                router_settings: {num_retries: 0, disable_cooldowns: true}
                general_settings:
                  master_key: %s
                  alerting: ["webhook"]
                  alert_types: [llm_exceptions, llm_requests_hanging, outage_alerts, new_virtual_key_created]
                  alerting_threshold: 1
                  alerting_args: {outage_alert_ttl: 600, minor_outage_alert_threshold: 3, major_outage_alert_threshold: 4}
                environment_variables: {WEBHOOK_URL: "%s/alerts"}
                """.formatted(openAi.baseUri(), MASTER_KEY, webhook.baseUri()));
    }

    @AfterEach
    void stop() {
        gateway.close();
        webhook.close();
        openAi.close();
    }

    private static final String CHAT = "{\"model\": \"gpt\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";

    @Test
    void upstreamFailuresRaiseOneLlmExceptionsAlertPerWindowAndCallersErrorsNone() throws Exception {
        openAi.failNext(500, null);
        openAi.failNext(500, null);
        assertEquals(500, gateway.postWithMasterKey("/v1/chat/completions", CHAT).statusCode());
        assertEquals(500, gateway.postWithMasterKey("/v1/chat/completions", CHAT).statusCode());
        assertEquals(400, gateway.postWithMasterKey("/v1/chat/completions", "{\"model\": \"gpt\"}").statusCode());
        assertEquals(200, gateway.get("/health/services?service=webhook", "Authorization", "Bearer " + MASTER_KEY)
                .statusCode());
        List<JsonNode> events = new ArrayList<>();
        JsonNode event;
        do {
            event = RunningGateway.JSON.readTree(webhook.takeRequest().body());
            events.add(event);
        } while (!event.path("event").asText().equals("test_alert"));
        List<JsonNode> failures = events.stream().filter(e -> e.path("event").asText().equals("llm_exceptions")).toList();
        assertEquals(1, failures.size(), events.toString());
        assertTrue(failures.get(0).path("event_message").asText().contains("gpt"), failures.toString());
        assertEquals(2, events.size(), "nothing for the caller's own 400: " + events);
    }

    @Test
    void aDeploymentFailingAgainAndAgainIsAMinorThenAMajorOutage() throws Exception {
        for (int i = 0; i < 4; i++) {
            openAi.failNext(503, null);
            assertEquals(503, gateway.postWithMasterKey("/v1/chat/completions", CHAT).statusCode());
        }
        assertEquals(200, gateway.get("/health/services?service=webhook", "Authorization", "Bearer " + MASTER_KEY)
                .statusCode());
        List<String> outages = new ArrayList<>();
        JsonNode event;
        do {
            event = RunningGateway.JSON.readTree(webhook.takeRequest().body());
            if (event.path("event").asText().equals("outage_alerts")) {
                outages.add(event.path("event_message").asText().split(":")[0]);
            }
        } while (!event.path("event").asText().equals("test_alert"));
        assertEquals(List.of("Minor outage", "Major outage"), outages);
    }

    @Test
    void aKeyCreatedThroughTheAdminApiIsAnnouncedWithoutTheKey() throws Exception {
        String key = RunningGateway.json(gateway.postWithMasterKey("/key/generate", "{\"key_alias\": \"ci-bot\"}"))
                .path("key").asText();
        String sent = webhook.takeRequest().bodyText();
        JsonNode event = RunningGateway.JSON.readTree(sent);
        assertEquals("new_virtual_key_created", event.path("event").asText());
        assertEquals("ci-bot", event.path("key_alias").asText());
        assertEquals("default_user_id", event.path("created_by").asText(), "the master key acts as LiteLLM's default user");
        assertEquals(64, event.path("token").asText().length(), "the key's hash");
        assertTrue(!sent.contains(key), "never the key itself");
    }

    @Test
    void aCallWithNoAnswerForTheThresholdIsReportedHanging() throws Exception {
        CountDownLatch upstream = openAi.stallNext();
        try {
            CompletableFuture<HttpResponse<String>> call = gateway.client().sendAsync(HttpRequest.newBuilder(
                    gateway.uri("/v1/chat/completions")).header("Authorization", "Bearer " + MASTER_KEY)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode hanging = RunningGateway.JSON.readTree(webhook.takeRequest().body());
            assertEquals("llm_requests_hanging", hanging.path("event").asText(), hanging.toString());
            String callId = hanging.path("event_message").asText().split(" ")[1];
            upstream.countDown();
            assertEquals(callId, call.get().headers().firstValue("x-litellm-call-id").orElseThrow());
        } finally {
            upstream.countDown();
        }
    }
}
