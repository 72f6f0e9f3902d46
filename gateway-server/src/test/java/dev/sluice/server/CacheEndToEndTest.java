package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeOpenAi;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways (own ports, own embedded databases) sharing the real Redis at REDIS_HOST:REDIS_PORT
 * (127.0.0.1:6379 unless set) as the cache's second tier: an answer one of them got is a hit on
 * the other, streamed answers are replayed as SSE, and hits cost nothing.
 */
class CacheEndToEndTest {

    private static final String REDIS_HOST = System.getenv().getOrDefault("REDIS_HOST", "127.0.0.1");
    private static final String REDIS_PORT = System.getenv().getOrDefault("REDIS_PORT", "6379");

    @TempDir
    Path dir;
    private FakeOpenAi upstream;
    private RunningGateway first;
    private RunningGateway second;
    /** A namespace of this run's own, so runs never read each other's answers from the shared Redis. */
    private final String namespace = "test-" + UUID.randomUUID();

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi().reply("cached words");
        String config = """
                model_list:
                  - model_name: gpt-4o-mini
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s/v1", api_key: sk-up}
                    model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
                general_settings: {master_key: %s}
                litellm_settings:
                  cache: true
                  cache_params: {type: redis, host: %s, port: %s, namespace: %s, ttl: 120}
                """.formatted(upstream.baseUri(), MASTER_KEY, REDIS_HOST, REDIS_PORT, namespace);
        first = RunningGateway.start(Files.createDirectories(dir.resolve("one")), config);
        second = RunningGateway.start(Files.createDirectories(dir.resolve("two")), config);
    }

    @AfterEach
    void stop() {
        first.close();
        second.close();
        upstream.close();
    }

    private static final String ASK = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"cache me\"}]}";

    @Test
    void anAnswerOneGatewayGotIsAHitOnTheOtherAndCostsNothing() throws Exception {
        HttpResponse<String> miss = first.postWithMasterKey("/v1/chat/completions", ASK);
        assertEquals(200, miss.statusCode(), miss.body());
        assertTrue(miss.headers().firstValue("x-litellm-cache-key").isEmpty());
        HttpResponse<String> hit = null;
        for (int i = 0; i < 200; i++) { // the write to Redis is off the first caller's thread
            hit = second.postWithMasterKey("/v1/chat/completions", ASK);
            if (hit.headers().firstValue("x-litellm-cache-key").isPresent()) {
                break;
            }
            Thread.sleep(10);
        }
        assertTrue(hit.headers().firstValue("x-litellm-cache-key").isPresent(), "never a hit on the second gateway");
        assertEquals(RunningGateway.json(miss).path("choices"), RunningGateway.json(hit).path("choices"));
        assertTrue(second.server().gateway().spend().flush());
        JsonNode logs = RunningGateway.json(second.get("/spend/logs", "Authorization", "Bearer " + MASTER_KEY));
        JsonNode hitRow = null;
        for (JsonNode row : logs) {
            hitRow = row.path("cache_hit").asText().equals("true") ? row : hitRow;
        }
        assertTrue(hitRow != null, "the hit is logged as a cache hit: " + logs);
        assertEquals(0, hitRow.path("spend").decimalValue().signum(), "a hit costs nothing");
        JsonNode ready = RunningGateway.json(second.get("/health/readiness"));
        assertEquals("redis", ready.path("cache").asText());
        assertEquals("connected", ready.path("cache_status").asText());
    }

    @Test
    void withoutTheLocalTierEveryLookupReadsRedis() throws Exception {
        String config = Files.readString(dir.resolve("one").resolve("config.yaml"))
                .replace("ttl: 120}", "ttl: 120, local_tier: false}");
        try (RunningGateway redisOnly = RunningGateway.start(Files.createDirectories(dir.resolve("three")), config);
             io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(
                     "redis://" + REDIS_HOST + ":" + REDIS_PORT)) {
            assertEquals(200, redisOnly.postWithMasterKey("/v1/chat/completions", ASK).statusCode());
            boolean hit = false;
            for (int i = 0; i < 200 && !hit; i++) { // the write to Redis is off the caller's thread
                hit = redisOnly.postWithMasterKey("/v1/chat/completions", ASK).headers()
                        .firstValue("x-litellm-cache-key").isPresent();
            }
            assertTrue(hit);
            try (var connection = client.connect()) {
                java.util.List<String> stored = connection.sync().keys("*" + namespace + "*");
                assertEquals(1, stored.size(), stored.toString());
                connection.sync().del(stored.toArray(String[]::new));
            }
            assertTrue(redisOnly.postWithMasterKey("/v1/chat/completions", ASK).headers()
                    .firstValue("x-litellm-cache-key").isEmpty(), "gone from Redis, gone: nothing kept in process");
        }
    }

    @Test
    void aStreamedAnswerIsReplayedAsServerSentEvents() throws Exception {
        String streamed = ASK.replace("{\"model\"", "{\"stream\":true,\"model\"");
        String original = sse(first, streamed);
        String replay = null;
        for (int i = 0; i < 200; i++) {
            replay = sse(first, streamed);
            if (upstream.pendingRequests() == 1) {
                break;
            }
            Thread.sleep(10);
        }
        assertEquals(1, upstream.pendingRequests(), "the second stream came from the cache");
        assertEquals(original.replaceAll("\"created\":\\d+", ""), replay.replaceAll("\"created\":\\d+", ""));
        assertTrue(replay.contains("cached") && replay.endsWith("data: [DONE]"), replay);
    }

    private static String sse(RunningGateway gateway, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + MASTER_KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<Stream<String>> response = gateway.client().send(request, HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = response.body()) {
            return String.join("\n", lines.filter(line -> line.startsWith("data: ")).toList());
        }
    }
}
