package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway processes on their own ports sharing the real PostgreSQL (a schema of this run's
 * own) and Redis, as two replicas behind a load balancer: a key's rpm_limit, a budget and a
 * deployment's rpm hold across both, a key deleted through one is refused by the other at once,
 * and an answer cached by one is a hit on the other. Addresses from PGHOST/PGPORT/PGDATABASE/
 * PGUSER and REDIS_HOST/REDIS_PORT, defaulting to this machine's.
 */
class ReplicasEndToEndTest {

    private static final String PG = System.getenv().getOrDefault("PGHOST", "127.0.0.1") + ":"
            + System.getenv().getOrDefault("PGPORT", "5432") + "/" + System.getenv().getOrDefault("PGDATABASE", "test");
    private static final String PG_USER = System.getenv().getOrDefault("PGUSER", "postgres");
    private static final String REDIS_HOST = System.getenv().getOrDefault("REDIS_HOST", "127.0.0.1");
    private static final String REDIS_PORT = System.getenv().getOrDefault("REDIS_PORT", "6379");

    @TempDir
    static Path dir;
    private static RunningGateway first;
    private static RunningGateway second;
    private static dev.sluice.testkit.FakeOpenAi openAi;
    private static final String schema = "replicas_" + UUID.randomUUID().toString().replace("-", "");

    @BeforeAll
    static void start() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + PG, PG_USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        // reports usage as OpenAI counts it: "hi" from the user is 8 prompt tokens; 3 words of answer
        openAi = new dev.sluice.testkit.FakeOpenAi().reply("one two three").promptTokens(8, 0);
        String config = """
                model_list:
                  - model_name: gpt-4o-mini
                    litellm_params: {model: mock/gpt-4o-mini}
                    model_info: {input_cost_per_token: 0, output_cost_per_token: 0.001}
                  - model_name: scarce
                    litellm_params: {model: mock/scarce, rpm: 10}
                  - model_name: exact
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s", api_key: sk-fake}
                    model_info: {input_cost_per_token: 0.0001, output_cost_per_token: 0.001}
                general_settings:
                  master_key: %s
                  database_url: "postgresql://%s@%s?currentSchema=%s"
                  store_model_in_db: true
                router_settings:
                  redis_host: %s
                  redis_port: %s
                litellm_settings:
                  cache: true
                  cache_params: {type: redis, host: %s, port: %s, namespace: %s, mode: default_off}
                """.formatted(openAi.baseUri(), MASTER_KEY, PG_USER, PG, schema, REDIS_HOST, REDIS_PORT, REDIS_HOST, REDIS_PORT, schema);
        first = RunningGateway.startProcess(Files.createDirectories(dir.resolve("one")), config);
        second = RunningGateway.startProcess(Files.createDirectories(dir.resolve("two")), config);
    }

    @AfterAll
    static void stop() throws Exception {
        first.close();
        second.close();
        openAi.close();
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + PG, PG_USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    /**
     * Waits for the next minute when this one is nearly over, so a burst of calls counted in
     * per-minute windows falls in one window.
     */
    private static void inOneMinuteWindow() throws InterruptedException {
        long intoMinute = System.currentTimeMillis() % 60_000;
        if (intoMinute > 50_000) {
            Thread.sleep(60_000 - intoMinute + 100);
        }
    }

    private static String newKey(String body) {
        HttpResponse<String> generated = first.postWithMasterKey("/key/generate", body);
        assertEquals(200, generated.statusCode(), generated.body());
        return RunningGateway.json(generated).path("key").asText();
    }

    private static int chat(RunningGateway gateway, String key) {
        return chat(gateway, key, "gpt-4o-mini").statusCode();
    }

    private static HttpResponse<String> chat(RunningGateway gateway, String key, String model) {
        return gateway.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}", "Authorization", "Bearer " + key);
    }

    /** @return how many of the calls, alternating between the replicas, got each status */
    private static Map<Integer, Integer> alternate(int calls, java.util.function.Function<RunningGateway, Integer> call)
            throws Exception {
        inOneMinuteWindow();
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            RunningGateway gateway = i % 2 == 0 ? first : second;
            tasks.add(() -> call.apply(gateway));
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Integer> result : threads.invokeAll(tasks)) {
                statuses.merge(result.get(), 1, Integer::sum);
            }
        }
        return statuses;
    }

    @Test
    void aKeysRpmLimitHoldsAcrossBothReplicas() throws Exception {
        String key = newKey("{\"rpm_limit\": 10}");
        assertEquals(Map.of(200, 10, 429, 20), alternate(30, gateway -> chat(gateway, key)),
                "exactly the limit, across both replicas");
    }

    @Test
    void aDeploymentsRpmHoldsAcrossBothReplicas() throws Exception {
        String key = newKey("{}");
        assertEquals(Map.of(200, 10, 429, 20), alternate(30, gateway -> chat(gateway, key, "scarce").statusCode()),
                "the deployment's rpm: 10, across both replicas");
        HttpResponse<String> refused = chat(second, key, "scarce");
        assertTrue(refused.body().contains("No deployments available"), refused.body());
        assertTrue(refused.headers().firstValue("retry-after").isPresent());
    }

    @Test
    void anAnswerCachedByOneReplicaIsAHitOnTheOther() {
        String key = newKey("{}");
        String ask = "{\"model\":\"gpt-4o-mini\",\"cache\":{\"use-cache\":true},\"messages\":[{\"role\":\"user\","
                + "\"content\":\"what is cached?\"}]}";
        HttpResponse<String> answered = first.post("/v1/chat/completions", ask, "Authorization", "Bearer " + key);
        assertEquals(200, answered.statusCode(), answered.body());
        assertTrue(answered.headers().firstValue("x-litellm-cache-key").isEmpty(), "the first call goes upstream");
        HttpResponse<String> hit = null;
        for (int i = 0; i < 100 && (hit == null || hit.headers().firstValue("x-litellm-cache-key").isEmpty()); i++) {
            hit = second.post("/v1/chat/completions", ask, "Authorization", "Bearer " + key); // stored off the caller's thread
        }
        assertTrue(hit.headers().firstValue("x-litellm-cache-key").isPresent(), "a hit on the other replica");
        assertEquals(RunningGateway.json(answered).path("choices"), RunningGateway.json(hit).path("choices"));
    }

    @Test
    void aBudgetHoldsAcrossBothReplicas() throws Exception {
        String probeKey = newKey("{}");
        long completionTokens = RunningGateway.json(first.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "Authorization", "Bearer " + probeKey))
                .path("usage").path("completion_tokens").asLong();
        java.math.BigDecimal perCall = new java.math.BigDecimal("0.001").multiply(java.math.BigDecimal.valueOf(completionTokens));
        String key = newKey("{\"max_budget\": " + perCall.multiply(java.math.BigDecimal.TEN).toPlainString() + "}");
        String call = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":" + completionTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        Map<Integer, Integer> statuses = alternate(40,
                gateway -> gateway.post("/v1/chat/completions", call, "Authorization", "Bearer " + key).statusCode());
        assertEquals(10, statuses.get(200), "a budget for ten calls admits ten across both replicas: " + statuses);
    }

    @Test
    void aBudgetForKCallsWithPricedPromptsAdmitsKOfAHundredConcurrentAcrossBothReplicas() throws Exception {
        // the prompt is counted with OpenAI's tokenizer, not bounded by its characters, so the
        // reservation is the call's real cost and a budget for seven admits seven, not five
        java.math.BigDecimal perCall = new java.math.BigDecimal("0.0001").multiply(java.math.BigDecimal.valueOf(8))
                .add(new java.math.BigDecimal("0.001").multiply(java.math.BigDecimal.valueOf(3)));
        String key = newKey("{\"max_budget\": " + perCall.multiply(java.math.BigDecimal.valueOf(7)).toPlainString() + "}");
        String call = "{\"model\":\"exact\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        Map<Integer, Integer> statuses = alternate(100,
                gateway -> gateway.post("/v1/chat/completions", call, "Authorization", "Bearer " + key).statusCode());
        assertEquals(Map.of(200, 7, 422, 93), statuses, "a budget for seven calls admits seven across both replicas");
        HttpResponse<String> info = first.get("/key/info?key=" + key, "Authorization", "Bearer " + MASTER_KEY);
        for (int i = 0; i < 100 && RunningGateway.json(info).path("info").path("spend").decimalValue()
                .compareTo(perCall.multiply(java.math.BigDecimal.valueOf(7))) != 0; i++) {
            Thread.sleep(100); // spend reaches the database a moment after the calls
            info = first.get("/key/info?key=" + key, "Authorization", "Bearer " + MASTER_KEY);
        }
        assertEquals(0, perCall.multiply(java.math.BigDecimal.valueOf(7))
                .compareTo(RunningGateway.json(info).path("info").path("spend").decimalValue()), info.body());
    }

    @Test
    void aKeyDeletedThroughOneReplicaIsRefusedByTheOtherAtOnce() throws Exception {
        String key = newKey("{}");
        assertEquals(200, chat(second, key), "the second replica has the key in its cache now");
        HttpResponse<String> deleted = first.postWithMasterKey("/key/delete", "{\"keys\":[\"" + key + "\"]}");
        assertEquals(200, deleted.statusCode(), deleted.body());
        int status = 200;
        for (int i = 0; i < 100 && status == 200; i++) { // the announcement travels through Redis pub/sub
            status = chat(second, key);
            if (status == 200) {
                Thread.sleep(10);
            }
        }
        assertEquals(401, status, "refused within a second, long before the key cache's 10 s would expire");
    }

    @Test
    void aUiLogoutThroughOneReplicaEndsTheSessionOnTheOther() throws Exception {
        HttpResponse<String> login = first.post("/ui/login", "{\"key\":\"" + MASTER_KEY + "\"}");
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertEquals(200, second.get("/key/list", "Cookie", cookie).statusCode(), "replicas share sessions");
        assertEquals(200, first.post("/ui/logout", "", "Cookie", cookie).statusCode());
        int status = 200;
        for (int i = 0; i < 100 && status == 200; i++) { // the announcement travels through Redis pub/sub
            status = second.get("/key/list", "Cookie", cookie).statusCode();
            if (status == 200) {
                Thread.sleep(10);
            }
        }
        assertEquals(401, status, "the other replica refuses the logged-out session within a second");
    }

    @Test
    void aModelAddedThroughOneReplicaIsServedByTheOtherAtOnce() throws Exception {
        String key = newKey("{}");
        assertEquals(400, chat(second, key, "added-at-run-time").statusCode(), "not a model yet");
        HttpResponse<String> added = first.postWithMasterKey("/model/new",
                "{\"model_name\": \"added-at-run-time\", \"litellm_params\": {\"model\": \"mock/late\"}}");
        assertEquals(200, added.statusCode(), added.body());
        int status = 400;
        for (int i = 0; i < 100 && status != 200; i++) { // the announcement travels through Redis pub/sub
            status = chat(second, key, "added-at-run-time").statusCode();
            if (status != 200) {
                Thread.sleep(10);
            }
        }
        assertEquals(200, status, "served within a second, long before the 30 s refresh");
    }
}
