package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.testkit.FakeOpenAi;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM, as Kubernetes sends it, to a gateway process with two streams in flight: readiness turns
 * 503 while calls are still served (and reach their upstream), a stream that finishes within the
 * grace period finishes whole, one that does not ends with an error event rather than a cut
 * connection, and the process exits.
 */
class GracefulShutdownTest {

    private static final String STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;

    @Test
    void sigtermDrainsThenEndsWhatIsLeftProperly() throws Exception {
        try (FakeOpenAi upstream = new FakeOpenAi().reply("one two three four");
             RunningGateway gateway = RunningGateway.startProcess(dir, """
                     model_list:
                       - model_name: gpt-4o-mini
                         litellm_params: {model: openai/gpt-4o-mini, api_base: "%s/v1", api_key: sk-fake}
                     general_settings:
                       master_key: %s
                       shutdown_readiness_delay_seconds: 5
                       graceful_shutdown_seconds: 8
                     """.formatted(upstream.baseUri(), MASTER_KEY))) {
            // A stream's answer starts once its first upstream chunk arrived, so the fake has taken
            // its hold by then: only then is the next hold set, or the two streams could swap them.
            CountDownLatch finishing = upstream.holdNextStreamAfterFirstChunk();
            HttpResponse<Stream<String>> finishes = stream(gateway).get(30, TimeUnit.SECONDS);
            upstream.holdNextStreamAfterFirstChunk(); // never released: outlasts the grace period
            HttpResponse<Stream<String>> outlasts = stream(gateway).get(30, TimeUnit.SECONDS);

            gateway.terminate();
            finishing.countDown(); // its upstream finishes while the gateway drains
            HttpResponse<String> ready = awaitReadiness(gateway, 503);
            assertEquals(503, ready.statusCode(), "readiness tells load balancers to stop sending");
            assertEquals("shutting down", json(ready).path("status").asText());
            HttpResponse<String> late = gateway.postWithMasterKey("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertEquals(200, late.statusCode(), "a call during the drain reaches its upstream: " + late.body());

            String whole = finishes.body().collect(Collectors.joining("\n"));
            assertTrue(whole.contains("four") && whole.trim().endsWith("data: [DONE]"), "finished whole: " + whole);
            String ended = outlasts.body().collect(Collectors.joining("\n"));
            assertTrue(ended.contains("one"), "the first chunk was delivered: " + ended);
            assertTrue(ended.contains("shutting down") && ended.contains("\"code\":\"503\""),
                    "ended with an error event, not a cut connection: " + ended);
            assertTrue(gateway.awaitExit(Duration.ofSeconds(30)), "the process exits");
        }
    }

    /** @return the streamed answer, complete once its headers (and so its first chunk) arrived */
    private static CompletableFuture<HttpResponse<Stream<String>>> stream(RunningGateway gateway) {
        return gateway.client().sendAsync(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + MASTER_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(STREAM)).build(), HttpResponse.BodyHandlers.ofLines());
    }

    /** Readiness every 100 ms until it answers the status; 100 tries bound a drain that never starts. */
    private static HttpResponse<String> awaitReadiness(RunningGateway gateway, int status) throws InterruptedException {
        HttpResponse<String> ready = gateway.get("/health/readiness", "Authorization", "Bearer " + MASTER_KEY);
        for (int tries = 0; tries < 100 && ready.statusCode() != status; tries++) {
            Thread.sleep(100);
            ready = gateway.get("/health/readiness", "Authorization", "Bearer " + MASTER_KEY);
        }
        return ready;
    }
}
