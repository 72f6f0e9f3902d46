package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

class BudgetEndToEndTest {

    @TempDir
    Path dir;

    /** Whose budget covers ten calls: the key's own, its team's, or the end user's (customer's). */
    enum Level { KEY, TEAM, CUSTOMER }

    @ParameterizedTest
    @EnumSource(Level.class)
    void aHundredConcurrentCallsAgainstABudgetForTenAdmitExactlyTen(Level level) throws Exception {
        try (RunningGateway gateway = RunningGateway.start(dir, """
                model_list:
                  - model_name: priced
                    litellm_params: {model: mock/p}
                    model_info: {input_cost_per_token: 0, output_cost_per_token: 0.001}
                general_settings: {master_key: %s}
                """.formatted(MASTER_KEY))) {
            String probe = "{\"model\":\"priced\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            long completionTokens = json(gateway.postWithMasterKey("/v1/chat/completions", probe))
                    .path("usage").path("completion_tokens").asLong();
            BigDecimal perCall = new BigDecimal("0.001").multiply(BigDecimal.valueOf(completionTokens));
            BigDecimal budget = perCall.multiply(BigDecimal.TEN);
            String limit = "\"max_budget\":" + budget.toPlainString();
            String key = switch (level) {
                case KEY -> json(gateway.postWithMasterKey("/key/generate", "{" + limit + "}")).path("key").asText();
                case TEAM -> {
                    gateway.postWithMasterKey("/team/new", "{\"team_id\":\"search\"," + limit + "}");
                    yield json(gateway.postWithMasterKey("/key/generate", "{\"team_id\":\"search\"}")).path("key").asText();
                }
                case CUSTOMER -> {
                    gateway.postWithMasterKey("/customer/new", "{\"user_id\":\"acme\"," + limit + "}");
                    yield json(gateway.postWithMasterKey("/key/generate", "{}")).path("key").asText();
                }
            };
            String call = "{\"model\":\"priced\",\"max_tokens\":" + completionTokens + ",\"user\":\"acme\""
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> statuses = new ArrayList<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 100; i++) {
                    statuses.add(clients.submit(() -> {
                        start.await();
                        return gateway.client().send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                                .header("Authorization", "Bearer " + key)
                                .POST(HttpRequest.BodyPublishers.ofString(call)).build(),
                                HttpResponse.BodyHandlers.ofString()).statusCode();
                    }));
                }
                start.countDown();
                int ok = 0;
                int refused = 0;
                for (Future<Integer> status : statuses) {
                    ok += status.get() == 200 ? 1 : 0;
                    refused += status.get() == 422 ? 1 : 0;
                }
                assertEquals(10, ok);
                assertEquals(90, refused);
            }
            assertTrue(gateway.server().gateway().spend().flush());
            String[] where = switch (level) {
                case KEY -> new String[] {"/key/info?key=" + key, "info"};
                case TEAM -> new String[] {"/team/info?team_id=search", "team_info"};
                case CUSTOMER -> new String[] {"/customer/info?end_user_id=acme", null};
            };
            var info = json(gateway.get(where[0], "Authorization", "Bearer " + MASTER_KEY));
            BigDecimal recorded = (where[1] == null ? info : info.path(where[1])).path("spend").decimalValue();
            assertEquals(0, budget.compareTo(recorded), "recorded " + recorded + " against a budget of " + budget);
            HttpResponse<String> over = gateway.post("/v1/chat/completions", call, "Authorization", "Bearer " + key);
            assertEquals("budget_exceeded", json(over).path("error").path("type").asText());
            String named = switch (level) {
                case KEY -> "key sk-...";
                case TEAM -> "team 'search'";
                case CUSTOMER -> "customer 'acme'";
            };
            assertTrue(json(over).path("error").path("message").asText().contains(named), over.body());
        }
    }

    /**
     * LiteLLM admits a call while spend is under max_budget, even when the call's worst case is more
     * than is left (its reservation shrinks to what is left); the next call, with spend over the
     * budget, is refused with budget_exceeded and the status litellm_settings.budget_exceeded_status_code sets.
     */
    @org.junit.jupiter.api.Test
    void aBudgetSmallerThanOneCallAdmitsTheFirstCallAndRefusesTheNext() throws Exception {
        try (RunningGateway gateway = RunningGateway.start(dir, """
                model_list:
                  - model_name: priced
                    litellm_params: {model: mock/p}
                    model_info: {input_cost_per_token: 0.000001, output_cost_per_token: 0.000002}
                general_settings: {master_key: %s}
                litellm_settings: {budget_exceeded_status_code: 429}
                """.formatted(MASTER_KEY))) {
            String key = json(gateway.postWithMasterKey("/key/generate", "{\"max_budget\":0.0000001}")).path("key").asText();
            String call = "{\"model\":\"priced\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            HttpResponse<String> first = gateway.post("/v1/chat/completions", call, "Authorization", "Bearer " + key);
            assertEquals(200, first.statusCode(), "spend 0 is under max_budget: " + first.body());
            assertTrue(gateway.server().gateway().spend().flush());
            HttpResponse<String> second = gateway.post("/v1/chat/completions", call, "Authorization", "Bearer " + key);
            assertEquals(429, second.statusCode(), second.body());
            assertEquals("budget_exceeded", json(second).path("error").path("type").asText(), second.body());
            assertEquals("429", json(second).path("error").path("code").asText(), second.body());
        }
    }
}
