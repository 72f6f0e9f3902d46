package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.budget.Budgets;
import dev.sluice.testkit.FakeLogIntake;
import dev.sluice.testkit.FakeOpenAi;
import dev.sluice.testkit.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LiteLLM's budget alerts to a webhook from two replicas sharing the real PostgreSQL and Redis:
 * 50 concurrent calls spread over both cross a key's soft budget once, and exactly one
 * {@code soft_budget_crossed} event arrives; spending a max budget sends one
 * {@code budget_crossed}. Addresses from PGHOST/PGPORT/PGDATABASE/PGUSER and REDIS_HOST/REDIS_PORT.
 */
class BudgetAlertsEndToEndTest {

    private static final String REDIS_HOST = System.getenv().getOrDefault("REDIS_HOST", "127.0.0.1");
    private static final String REDIS_PORT = System.getenv().getOrDefault("REDIS_PORT", "6379");

    @TempDir
    Path dir;
    private TestPostgres postgres;
    // 8 prompt tokens free, 3 output tokens at $0.0001: every call costs $0.0003
    private final FakeOpenAi openAi = new FakeOpenAi().reply("one two three").promptTokens(8, 0);
    private final FakeLogIntake webhook = new FakeLogIntake();
    private RunningGateway first;
    private RunningGateway second;

    @BeforeEach
    void start() throws Exception {
        postgres = TestPostgres.schema("alerts");
        String config = """
                model_list:
                  - model_name: gpt
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s", api_key: sk-fake}
                    model_info: {input_cost_per_token: 0, output_cost_per_token: 0.0001}
                general_settings:
                  master_key: %s
                  %s
                  alerting: ["webhook"]
                router_settings: {redis_host: %s, redis_port: %s}
                environment_variables: {WEBHOOK_URL: "%s/budget-events"}
                """.formatted(openAi.baseUri(), MASTER_KEY, postgres.databaseUrlLine(), REDIS_HOST, REDIS_PORT,
                webhook.baseUri());
        first = RunningGateway.start(Files.createDirectories(dir.resolve("one")), config);
        second = RunningGateway.start(Files.createDirectories(dir.resolve("two")), config);
    }

    @AfterEach
    void stop() throws Exception {
        first.close();
        second.close();
        webhook.close();
        openAi.close();
        postgres.close();
    }

    @Test
    void aSoftBudgetCrossedByFiftyConcurrentCallsOnTwoReplicasIsAnnouncedOnce() throws Exception {
        String key = json(first.postWithMasterKey("/key/generate", "{\"key_alias\": \"search-bot\", "
                + "\"soft_budget\": 0.003, \"max_budget\": 1000}")).path("key").asText();
        calls(key, 50, 50);
        List<JsonNode> events = eventsUntilTestAlerts();
        List<JsonNode> soft = events.stream().filter(e -> e.path("event").asText().equals("soft_budget_crossed")).toList();
        assertEquals(1, soft.size(), events.toString());
        JsonNode event = soft.get(0);
        assertEquals("key", event.path("event_group").asText());
        assertEquals("search-bot", event.path("key_alias").asText());
        assertEquals(64, event.path("token").asText().length(), "the key's hash, never the key");
        assertEquals(0, event.path("soft_budget").decimalValue().compareTo(new java.math.BigDecimal("0.003")));
        assertTrue(event.path("spend").decimalValue().compareTo(new java.math.BigDecimal("0.003")) >= 0);
        assertEquals("Key Budget: Soft Budget Crossed", event.path("event_message").asText());
        assertFalse(events.toString().contains(key), "no secret in an alert");
        assertEquals(0, events.stream().filter(e -> e.path("event").asText().equals("budget_crossed")).count());
    }

    @Test
    void aMaxBudgetUsedUpIsAnnouncedOnceAsBudgetCrossed() throws Exception {
        String key = json(first.postWithMasterKey("/key/generate", "{\"max_budget\": 0.001}")).path("key").asText();
        calls(key, 8, 1); // one at a time: the fourth crosses the budget, the rest are refused
        List<JsonNode> events = eventsUntilTestAlerts();
        assertEquals(1, events.stream().filter(e -> e.path("event").asText().equals("budget_crossed")).count(),
                events.toString());
        JsonNode crossed = events.stream().filter(e -> e.path("event").asText().equals("budget_crossed")).findFirst()
                .orElseThrow();
        assertEquals(0, crossed.path("max_budget").decimalValue().compareTo(new java.math.BigDecimal("0.001")));
    }

    private void calls(String key, int count, int atOnce) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(atOnce)) {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                RunningGateway replica = i % 2 == 0 ? first : second;
                answers.add(pool.submit(() -> replica.post("/v1/chat/completions", "{\"model\": \"gpt\", \"messages\": "
                        + "[{\"role\": \"user\", \"content\": \"hi\"}]}", "Authorization", "Bearer " + key).statusCode()));
            }
            for (Future<Integer> answer : answers) {
                int status = answer.get();
                assertTrue(status == 200 || status == Budgets.DEFAULT_STATUS, "answered or refused for budget: " + status);
            }
        }
    }

    /**
     * The budget events both replicas sent: their spend is written (which raises the alerts), then
     * each sends a test alert, which its one alert sender sends after everything raised before it.
     */
    private List<JsonNode> eventsUntilTestAlerts() throws Exception {
        assertTrue(first.server().gateway().spend().flush());
        assertTrue(second.server().gateway().spend().flush());
        assertEquals(200, first.get("/health/services?service=webhook", "Authorization", "Bearer " + MASTER_KEY)
                .statusCode());
        assertEquals(200, second.get("/health/services?service=webhook", "Authorization", "Bearer " + MASTER_KEY)
                .statusCode());
        List<JsonNode> budgetEvents = new ArrayList<>();
        int tests = 0;
        while (tests < 2) {
            RecordedRequest posted = webhook.takeRequest();
            assertEquals("/budget-events", posted.path());
            JsonNode event = RunningGateway.JSON.readTree(posted.body());
            if (event.path("event").asText().equals("test_alert")) {
                tests++;
            } else {
                budgetEvents.add(event);
            }
        }
        return budgetEvents;
    }
}
