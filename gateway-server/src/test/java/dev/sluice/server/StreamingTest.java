package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeOpenAi;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamingTest {

    private static final String STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @TempDir
    Path dir;
    private FakeOpenAi upstream;
    private RunningGateway gateway;

    @BeforeEach
    void start() {
        upstream = new FakeOpenAi().reply("one two three four five");
        gateway = RunningGateway.start(dir, """
                model_list:
                  - model_name: gpt-4o-mini
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s/v1", api_key: sk-upstream}
                general_settings: {master_key: %s}
                router_settings: {num_retries: 0}
                """.formatted(upstream.baseUri(), MASTER_KEY));
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    private HttpRequest streamRequest(String body) {
        return HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + MASTER_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private List<String> events(String body) throws Exception {
        HttpResponse<Stream<String>> response = gateway.client().send(streamRequest(body), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        try (Stream<String> lines = response.body()) {
            return lines.filter(line -> line.startsWith("data: ")).map(line -> line.substring(6)).toList();
        }
    }

    @Test
    void theClientSeesTheFirstChunkBeforeTheUpstreamHasSentTheLast() throws Exception {
        CountDownLatch release = upstream.holdNextStreamAfterFirstChunk();
        HttpResponse<Stream<String>> response = gateway.client().send(streamRequest(STREAM),
                HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = response.body()) {
            Iterator<String> it = lines.iterator();
            String first = it.next();
            assertTrue(first.startsWith("data: "), first);
            assertEquals("one", RunningGateway.JSON.readTree(first.substring(6)).path("choices").path(0)
                    .path("delta").path("content").asText());
            assertFalse(upstream.lastChunkSent(), "the first chunk arrived only after the upstream had finished");
            release.countDown();
            List<String> rest = new ArrayList<>();
            it.forEachRemaining(rest::add);
            assertEquals("data: [DONE]", rest.stream().filter(line -> !line.isEmpty()).reduce((a, b) -> b).orElseThrow());
        }
        assertTrue(upstream.lastChunkSent());
    }

    @Test
    void chunksArePassedOnAndUsageIsHiddenUnlessAskedFor() throws Exception {
        List<String> events = events(STREAM);
        assertEquals("[DONE]", events.getLast());
        StringBuilder text = new StringBuilder();
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = RunningGateway.JSON.readTree(event);
            assertEquals("chat.completion.chunk", chunk.path("object").asText());
            assertFalse(chunk.has("usage"), "usage shown to a caller who did not ask: " + event);
            text.append(chunk.path("choices").path(0).path("delta").path("content").asText(""));
        }
        assertEquals("one two three four five", text.toString());
        assertTrue(RunningGateway.JSON.readTree(upstream.takeRequest().body())
                .path("stream_options").path("include_usage").asBoolean(), "the gateway always asks for usage");
    }

    @Test
    void aCallerWhoAsksForUsageGetsTheUsageChunk() throws Exception {
        List<String> events = events(STREAM.replace("\"stream\":true",
                "\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        JsonNode usageChunk = RunningGateway.JSON.readTree(events.get(events.size() - 2));
        assertEquals(0, usageChunk.path("choices").size());
        assertEquals(5, usageChunk.path("usage").path("completion_tokens").asInt());
    }

    @Test
    void anUpstreamErrorBeforeTheFirstChunkKeepsItsStatus() {
        upstream.failNext(429, "11");
        HttpResponse<String> response = gateway.postWithMasterKey("/v1/chat/completions", STREAM);
        assertEquals(429, response.statusCode());
        assertEquals("11", response.headers().firstValue("retry-after").orElseThrow());
        assertEquals("rate_limit_error", RunningGateway.json(response).path("error").path("type").asText());
    }

    @Test
    void aClientThatDisconnectsCancelsTheUpstreamCall() throws Exception {
        CountDownLatch release = upstream.holdNextStreamUntilCancelled();
        byte[] body = STREAM.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", gateway.uri("/").getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + MASTER_KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !line.contains("data: "); line = in.readLine()) {
                // skip the status line and headers until the first event
            }
        }
        release.countDown();
        assertTrue(upstream.awaitStreamAborted(Duration.ofSeconds(20)),
                "the upstream connection was still open after the client had gone");
    }
}
