package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeOpenAi;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retries, cooldowns, fallbacks and timeouts through the real server and plugins, against fake
 * OpenAI upstreams that fail on cue: 429s, 500s, dropped connections, silence, a stream that
 * dies halfway or stalls. Every wait the gateway takes here is 0 (another deployment is free, or
 * the upstream says Retry-After: 0); the only time limits are the configured timeouts.
 */
class RoutingEndToEndTest {

    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;
    private FakeOpenAi first;
    private FakeOpenAi second;
    private FakeOpenAi backup;
    private RunningGateway gateway;

    @BeforeEach
    void start() {
        first = new FakeOpenAi().reply("from the first");
        second = new FakeOpenAi().reply("from the second");
        backup = new FakeOpenAi().reply("from the backup");
        gateway = RunningGateway.start(dir, """
                model_list:
                  - model_name: gpt-4o-mini
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s/v1", api_key: sk-a, order: 1, timeout: 0.5, stream_timeout: 0.5}
                    model_info: {id: first}
                  - model_name: gpt-4o-mini
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s/v1", api_key: sk-b, order: 2, timeout: 2}
                    model_info: {id: second}
                  - model_name: backup
                    litellm_params: {model: openai/gpt-4o, api_base: "%s/v1", api_key: sk-c}
                    model_info: {id: backup}
                general_settings: {master_key: %s}
                router_settings:
                  num_retries: 1
                  allowed_fails: 0
                  cooldown_time: 60
                  fallbacks: [{gpt-4o-mini: [backup]}]
                """.formatted(first.baseUri(), second.baseUri(), backup.baseUri(), MASTER_KEY));
    }

    @AfterEach
    void stop() {
        gateway.close();
        first.close();
        second.close();
        backup.close();
    }

    @Test
    void a429IsRetriedOnTheNextDeploymentAndTheHeadersSayWhichAnswered() {
        first.failNext(429, "30");
        HttpResponse<String> response = gateway.postWithMasterKey("/v1/chat/completions", CHAT);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("from the second", content(response));
        assertEquals("1", header(response, "x-litellm-attempted-retries"));
        assertEquals("0", header(response, "x-litellm-attempted-fallbacks"));
        assertEquals("second", header(response, "x-litellm-model-id"));
        assertEquals(second.baseUri() + "/v1", header(response, "x-litellm-model-api-base"));
        assertEquals("from the second", content(gateway.postWithMasterKey("/v1/chat/completions", CHAT)),
                "the first is cooling down");
        assertEquals(1, first.pendingRequests());
    }

    @Test
    void aDroppedConnectionAndASilentUpstreamAreRetriedElsewhere() {
        first.resetNext();
        assertEquals("from the second", content(gateway.postWithMasterKey("/v1/chat/completions", CHAT)));
        CountDownLatch silence = second.stallNext();
        try {
            HttpResponse<String> timedOut = gateway.postWithMasterKey("/v1/chat/completions", CHAT);
            assertEquals("from the backup", content(timedOut),
                    "first cooling (allowed_fails 0), second silent past its timeout: the fallback answers");
            assertEquals("1", header(timedOut, "x-litellm-attempted-fallbacks"));
        } finally {
            silence.countDown();
        }
    }

    @Test
    void whenTheGroupAndItsFallbackAreCoolingTheCallerGets429NoDeploymentsAvailable() {
        first.failNext(500, null);
        second.failNext(503, null);
        for (int i = 0; i < 4; i++) {
            backup.failNext(429, "0"); // the fallback, its group's only deployment, is retried, never cooled
        }
        HttpResponse<String> failed = gateway.postWithMasterKey("/v1/chat/completions", CHAT);
        assertEquals(503, failed.statusCode(), "the group's own last error");
        assertEquals("2", header(failed, "x-litellm-attempted-retries"), "one in the group, one on the fallback");
        assertEquals("1", header(failed, "x-litellm-attempted-fallbacks"));
        HttpResponse<String> cooling = gateway.postWithMasterKey("/v1/chat/completions", CHAT);
        assertEquals(429, cooling.statusCode());
        JsonNode error = RunningGateway.json(cooling).path("error");
        assertTrue(error.path("message").asText().startsWith("No deployments available for selected model, Try again in "),
                error.toString());
        assertEquals("rate_limit_error", error.path("type").asText());
        assertTrue(Integer.parseInt(header(cooling, "retry-after")) > 0);
    }

    @Test
    void aPerRequestFallbackIsUsedAndNotSentUpstream() throws Exception {
        first.failNext(500, null);
        second.failNext(500, null);
        HttpResponse<String> response = gateway.postWithMasterKey("/v1/chat/completions",
                CHAT.replace("{\"model\"", "{\"fallbacks\":[\"backup\"],\"model\""));
        assertEquals("from the backup", content(response));
        first.takeRequest();
        second.takeRequest();
        assertTrue(!RunningGateway.JSON.readTree(backup.takeRequest().bodyText()).has("fallbacks"));
    }

    @Test
    void aStreamThatFailsBeforeItsFirstChunkIsRetriedOneThatDiesHalfwayEndsWithAnErrorEvent() throws Exception {
        first.failNext(502, null);
        List<String> retried = events(STREAM);
        assertTrue(retried.getFirst().contains("from"), retried.toString());
        assertEquals("[DONE]", retried.getLast());
        second.breakNextStreamAfterFirstChunk();
        List<String> broken = events(STREAM);
        assertTrue(broken.getFirst().contains("\"from\""), broken.toString());
        JsonNode error = RunningGateway.JSON.readTree(broken.getLast()).path("error");
        assertEquals("service_unavailable", error.path("type").asText(), broken.toString());
        second.takeRequest();
        second.takeRequest();
        assertEquals(0, second.pendingRequests() + backup.pendingRequests(), "nothing retried after the first chunk");
    }

    @Test
    void aStreamStalledPastStreamTimeoutEndsWithAnErrorEventAndTheUpstreamIsCancelled() throws Exception {
        CountDownLatch release = first.holdNextStreamUntilCancelled();
        try {
            List<String> events = events(STREAM);
            JsonNode error = RunningGateway.JSON.readTree(events.getLast()).path("error");
            assertEquals("408", error.path("code").asText(), events.toString());
            assertTrue(error.path("message").asText().contains("stream_timeout"), error.toString());
        } finally {
            release.countDown();
        }
        assertTrue(first.awaitStreamAborted(Duration.ofSeconds(20)), "the stalled upstream call was not cancelled");
    }

    private List<String> events(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + MASTER_KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<Stream<String>> response = gateway.client().send(request, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        try (Stream<String> lines = response.body()) {
            return lines.filter(line -> line.startsWith("data: ")).map(line -> line.substring(6)).toList();
        }
    }

    private static String content(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return RunningGateway.json(response).path("choices").path(0).path("message").path("content").asText();
    }

    private static String header(HttpResponse<String> response, String name) {
        return response.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " header"));
    }
}
