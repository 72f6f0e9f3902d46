package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeLogIntake;
import dev.sluice.testkit.FakeOpenAi;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LiteLLM's daily and spend reports to a webhook, read from the spend logs: the deployments report
 * names the slowest deployment and the one whose calls failed; the spend report the team's spend.
 * The report periods are one second here, so the test waits for the first report that covers its
 * calls.
 */
class ReportsEndToEndTest {

    @TempDir
    Path dir;
    private final FakeOpenAi openAi = new FakeOpenAi().reply("fine").promptTokens(10, 0);
    private final FakeLogIntake webhook = new FakeLogIntake();
    private RunningGateway gateway;

    @BeforeEach
    void start() {
        gateway = RunningGateway.start(dir, """
                model_list:
                  - model_name: gpt
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s/v1", api_key: sk-x}
                    model_info: {id: gpt-primary, input_cost_per_token: 0.001, output_cost_per_token: 0.001}
                router_settings: {num_retries: 0, disable_cooldowns: true}
                general_settings:
                  master_key: %s
                  alerting: ["webhook"]
                  alert_types: [daily_reports, spend_reports]
                  spend_report_frequency: 1d
                  alerting_args: {daily_report_frequency: 1, report_check_interval: 1}
                environment_variables: {WEBHOOK_URL: "%s/reports"}
                """.formatted(openAi.baseUri(), MASTER_KEY, webhook.baseUri()));
    }

    @AfterEach
    void stop() {
        gateway.close();
        webhook.close();
        openAi.close();
    }

    @Test
    void theDeploymentsAndSpendReportsCoverTheCallsMade() throws Exception {
        gateway.postWithMasterKey("/team/new", "{\"team_id\": \"search\"}");
        String key = RunningGateway.json(gateway.postWithMasterKey("/key/generate", "{\"team_id\": \"search\"}"))
                .path("key").asText();
        String chat = "{\"model\": \"gpt\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
        assertEquals(200, gateway.post("/v1/chat/completions", chat, "Authorization", "Bearer " + key).statusCode());
        openAi.failNext(500, null);
        assertEquals(500, gateway.post("/v1/chat/completions", chat, "Authorization", "Bearer " + key).statusCode());
        assertTrue(gateway.server().gateway().spend().flush());

        JsonNode deployments = awaitReport("daily_reports", report -> report.path("slowest_deployments").size() > 0
                && report.path("most_failed_deployments").size() > 0);
        assertEquals("gpt-primary", deployments.path("slowest_deployments").path(0).path("model_id").asText());
        assertEquals(1, deployments.path("most_failed_deployments").path(0).path("failures").asLong());
        JsonNode spend = awaitReport("spend_reports", report -> report.path("teams").size() > 0);
        assertEquals("search", spend.path("teams").path(0).path("team_id").asText());
        assertTrue(spend.path("teams").path(0).path("spend").decimalValue().signum() > 0, spend.toString());
    }

    /** The first report of the type that holds what the calls made (the periods are a second long). */
    private JsonNode awaitReport(String type, Predicate<JsonNode> covers) throws Exception {
        for (int i = 0; i < 30; i++) {
            JsonNode event = RunningGateway.JSON.readTree(webhook.takeRequest().body());
            if (event.path("event").asText().equals(type) && covers.test(event)) {
                return event;
            }
        }
        throw new AssertionError("no " + type + " report covered the calls in 30 reports");
    }
}
