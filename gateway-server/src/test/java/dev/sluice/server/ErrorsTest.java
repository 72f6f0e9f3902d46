package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeOpenAi;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorsTest {

    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @TempDir
    Path dir;
    private FakeOpenAi upstream;
    private RunningGateway gateway;
    private int closedPort;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        gateway = RunningGateway.start(dir, """
                model_list:
                  - model_name: gpt-4o-mini
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s/v1", api_key: sk-upstream-key, timeout: 0.5}
                  - model_name: nowhere
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:%d/v1"}
                general_settings: {master_key: %s, max_request_size_mb: 0.001}
                router_settings: {num_retries: 0}   # each failure as the upstream gave it; retries are RoutingEndToEndTest's
                """.formatted(upstream.baseUri(), closedPort, MASTER_KEY));
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    private static JsonNode assertError(HttpResponse<String> response, int status, String type) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("application/json"));
        JsonNode error = json(response).path("error");
        assertEquals(type, error.path("type").asText(), response.body());
        assertFalse(error.path("message").asText().isBlank());
        assertTrue(error.has("param"), response.body());
        assertEquals(Integer.toString(status), error.path("code").asText(),
                "error.code is the status as a string, as LiteLLM's (whatever code the vendor sent): " + response.body());
        assertFalse(response.body().contains(MASTER_KEY) || response.body().contains("sk-upstream-key"));
        return error;
    }

    @Test
    void aMissingOrWrongKeyIs401() {
        assertError(gateway.post("/v1/chat/completions", CHAT), 401, "auth_error");
        assertError(gateway.post("/v1/chat/completions", CHAT, "Authorization", "Bearer sk-nope"), 401, "auth_error");
        assertError(gateway.post("/v1/chat/completions", "not json at all"), 401, "auth_error");
    }

    @Test
    void malformedBodiesAre400() {
        assertTrue(assertError(gateway.postWithMasterKey("/v1/chat/completions", "{\"model\": "), 400,
                "invalid_request_error").path("message").asText().contains("not valid JSON"));
        assertError(gateway.postWithMasterKey("/v1/chat/completions", "[1,2]"), 400, "invalid_request_error");
        assertError(gateway.postWithMasterKey("/v1/chat/completions", ""), 400, "invalid_request_error");
        assertError(gateway.postWithMasterKey("/v1/chat/completions", "[".repeat(1040)), 400, "invalid_request_error");
    }

    @Test
    void missingParametersAreNamed() {
        assertEquals("model", assertError(gateway.postWithMasterKey("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400, "invalid_request_error").path("param").asText());
        assertEquals("messages", assertError(gateway.postWithMasterKey("/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\"}"), 400, "invalid_request_error").path("param").asText());
        assertEquals("input", assertError(gateway.postWithMasterKey("/v1/embeddings",
                "{\"model\":\"gpt-4o-mini\"}"), 400, "invalid_request_error").path("param").asText());
    }

    @Test
    void anUnknownModelGetsLiteLlmsMessage() {
        JsonNode error = assertError(gateway.postWithMasterKey("/v1/chat/completions",
                CHAT.replace("gpt-4o-mini", "gpt-9")), 400, "invalid_request_error");
        assertEquals("Invalid model name passed in model=gpt-9. Call /v1/models to view available models for your key.",
                error.path("message").asText());
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String big = CHAT.replace("Hi", "x".repeat(2000));
        assertError(gateway.postWithMasterKey("/v1/chat/completions", big), 413, "invalid_request_error");
    }

    @Test
    void upstreamErrorsKeepTheProvidersStatusAndMessage() {
        upstream.failNext(401, null);
        JsonNode error = assertError(gateway.postWithMasterKey("/v1/chat/completions", CHAT), 401, "auth_error");
        assertTrue(error.path("message").asText().contains("Incorrect API key provided"), error.toString());
        upstream.failNext(500, null);
        assertError(gateway.postWithMasterKey("/v1/chat/completions", CHAT), 500, "api_error");
        upstream.failNext(429, "2");
        HttpResponse<String> limited = gateway.postWithMasterKey("/v1/chat/completions", CHAT);
        assertError(limited, 429, "rate_limit_error");
        assertEquals("2", limited.headers().firstValue("retry-after").orElseThrow());
    }

    @Test
    void anUnreachableUpstreamIs503AndASilentOneIs408() {
        assertError(gateway.postWithMasterKey("/v1/chat/completions", CHAT.replace("gpt-4o-mini", "nowhere")),
                503, "service_unavailable");
        CountDownLatch release = upstream.stallNext();
        try {
            assertError(gateway.postWithMasterKey("/v1/chat/completions", CHAT), 408, "timeout");
        } finally {
            release.countDown();
        }
    }

    @Test
    void unknownRoutesAreOpenAiShaped404s() {
        assertError(gateway.get("/v1/nothing-here"), 404, "not_found_error");
    }

    @Test
    void badRequestsNeverWedgeTheServer() throws Exception {
        String[] bodies = {"{", "null", "{\"model\":1,\"messages\":[]}", "{\"model\":\"gpt-4o-mini\",\"messages\":[1]}",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{}],\"stream\":\"yes\"}", "\u0000\u0001", "{\"a\":\"\\ud800\"}"};
        for (int round = 0; round < 20; round++) {
            for (String body : bodies) {
                int status = gateway.postWithMasterKey("/v1/chat/completions", body).statusCode();
                assertTrue(status == 400, body + " -> " + status);
            }
            byte[] invalidUtf8 = {'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'};
            HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                    .header("Authorization", "Bearer " + MASTER_KEY)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(invalidUtf8)).build());
            assertEquals(400, response.statusCode());
        }
        assertEquals(200, gateway.postWithMasterKey("/v1/chat/completions", CHAT).statusCode());
    }
}
