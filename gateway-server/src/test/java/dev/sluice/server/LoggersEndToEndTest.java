package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeLogIntake;
import dev.sluice.testkit.FakeOpenAi;
import dev.sluice.testkit.RecordedRequest;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LiteLLM's logging callbacks through the generic_api logger plugin, loaded from the distribution's
 * plugins folder: every call's standard payload reaches the endpoint, with what a platform team
 * reads from it and nothing secret; a destination that hangs costs the calls nothing and the calls
 * it could not take are counted.
 */
class LoggersEndToEndTest {

    private static final String PROVIDER_KEY = "sk-openai-provider-secret";

    @TempDir
    Path dir;
    private final FakeOpenAi openAi = new FakeOpenAi().reply("Hello from the fake").promptTokens(20, 0);
    private final FakeLogIntake intake = new FakeLogIntake();
    private RunningGateway gateway;

    @BeforeEach
    void start() {
        gateway = RunningGateway.start(dir, """
                model_list:
                  - model_name: gpt
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s/v1", api_key: %s}
                    model_info: {input_cost_per_token: 0.000001, output_cost_per_token: 0.000002}
                litellm_settings:
                  callbacks: ["audit", "failures_only"]
                callback_settings:
                  audit:
                    callback_type: generic_api
                    endpoint: "%s/audit"
                    headers: {Authorization: "Bearer intake-token"}
                    flush_interval: 0.05
                  failures_only:
                    callback_type: generic_api
                    endpoint: "%s/failures"
                    event_types: [llm_api_failure]
                    log_format: ndjson
                    flush_interval: 0.05
                general_settings: {master_key: %s}
                """.formatted(openAi.baseUri(), PROVIDER_KEY, intake.baseUri(), intake.baseUri(), MASTER_KEY));
    }

    @AfterEach
    void stop() {
        gateway.close();
        intake.close();
        openAi.close();
    }

    @Test
    void everyCallsPayloadReachesTheLoggerWithWhatItCameToAndNoSecret() throws Exception {
        gateway.postWithMasterKey("/team/new", "{\"team_id\": \"search\", \"team_alias\": \"Search\"}");
        String key = json(gateway.postWithMasterKey("/key/generate", "{\"team_id\": \"search\", \"key_alias\": "
                + "\"search-bot\"}")).path("key").asText();
        String auth = "Bearer " + key;
        assertEquals(200, gateway.post("/v1/chat/completions", "{\"model\": \"gpt\", \"user\": \"end-user-7\", "
                + "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}", "Authorization", auth).statusCode());
        HttpResponse<String> streamed = gateway.post("/v1/chat/completions", "{\"model\": \"gpt\", \"stream\": true, "
                + "\"messages\": [{\"role\": \"user\", \"content\": \"Hi again\"}]}", "Authorization", auth);
        assertEquals(200, streamed.statusCode(), streamed.body());
        assertEquals(400, gateway.post("/v1/chat/completions", "{\"model\": \"no-such-model\", \"messages\": "
                + "[{\"role\": \"user\", \"content\": \"Hi\"}]}", "Authorization", auth).statusCode());

        Map<String, List<JsonNode>> byPath = received(4); // three calls to audit, the failure to failures_only
        List<JsonNode> audit = byPath.get("/audit");
        assertEquals(3, audit.size(), byPath.toString());
        JsonNode plain = audit.stream().filter(p -> !p.path("stream").asBoolean() && p.path("status").asText()
                .equals("success")).findFirst().orElseThrow();
        assertEquals("gpt", plain.path("model_group").asText());
        assertEquals("gpt-4o-mini", plain.path("model").asText());
        assertEquals("openai", plain.path("custom_llm_provider").asText());
        assertEquals("acompletion", plain.path("call_type").asText());
        assertEquals(20, plain.path("prompt_tokens").asLong());
        assertTrue(plain.path("completion_tokens").asLong() > 0);
        BigDecimal expected = new BigDecimal("0.000020").add(new BigDecimal("0.000002")
                .multiply(BigDecimal.valueOf(plain.path("completion_tokens").asLong())));
        assertEquals(0, expected.compareTo(plain.path("response_cost").decimalValue()), plain.toString());
        assertTrue(plain.path("endTime").asDouble() >= plain.path("startTime").asDouble());
        assertTrue(plain.path("response_time").isNumber());
        assertEquals("end-user-7", plain.path("end_user").asText());
        JsonNode metadata = plain.path("metadata");
        assertEquals(64, metadata.path("user_api_key_hash").asText().length(), "the key's sha-256, never the key");
        assertEquals("search-bot", metadata.path("user_api_key_alias").asText());
        assertEquals("search", metadata.path("user_api_key_team_id").asText());
        assertEquals("Search", metadata.path("user_api_key_team_alias").asText());
        assertEquals("Hi", plain.path("messages").path(0).path("content").asText());
        assertEquals("Hello from the fake", plain.path("response").path("choices").path(0).path("message")
                .path("content").asText());

        JsonNode stream = audit.stream().filter(p -> p.path("stream").asBoolean()).findFirst().orElseThrow();
        assertEquals("Hello from the fake", stream.path("response").path("choices").path(0).path("message")
                .path("content").asText(), "a stream's delivered text");
        assertTrue(stream.path("response_cost").decimalValue().signum() > 0, "a stream is priced like any call");
        assertTrue(stream.path("completionStartTime").asDouble() >= stream.path("startTime").asDouble());

        JsonNode failure = audit.stream().filter(p -> p.path("status").asText().equals("failure")).findFirst()
                .orElseThrow();
        assertEquals("400", failure.path("error_information").path("error_code").asText(), failure.toString());
        assertEquals(List.of(failure.path("id").asText()), byPath.get("/failures").stream()
                .map(p -> p.path("id").asText()).toList(), "event_types keeps to failures");

        String everything = byPath.toString();
        for (String secret : List.of(key, MASTER_KEY, PROVIDER_KEY, "intake-token")) {
            assertFalse(everything.contains(secret), "a secret reached the logger: " + secret.substring(0, 6));
        }
    }

    @Test
    void aHangingDestinationNeitherFailsNorHoldsCallsAndWhatItCouldNotTakeIsCounted() throws Exception {
        gateway.close();
        intake.hang();
        gateway = RunningGateway.start(java.nio.file.Files.createDirectories(dir.resolve("hanging")), """
                model_list:
                  - model_name: gpt
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s/v1", api_key: sk-x}
                litellm_settings: {callbacks: ["audit"]}
                callback_settings:
                  audit: {callback_type: generic_api, endpoint: "%s/audit", batch_size: 1, queue_size: 2,
                          flush_interval: 0.05, timeout: 60}
                general_settings: {master_key: %s}
                """.formatted(openAi.baseUri(), intake.baseUri(), MASTER_KEY));
        for (int i = 0; i < 10; i++) {
            assertEquals(200, gateway.postWithMasterKey("/v1/chat/completions", "{\"model\": \"gpt\", \"messages\": "
                    + "[{\"role\": \"user\", \"content\": \"Hi\"}]}").statusCode());
        }
        intake.takeRequest(); // one call is with the hanging endpoint; the queue holds two; the rest were dropped
        String metrics = gateway.get("/metrics").body();
        double dropped = metric(metrics, "sluice_logger_events_total{logger=\"audit\",outcome=\"dropped\"}");
        double queued = metric(metrics, "sluice_logger_queue_depth{logger=\"audit\"}");
        assertTrue(dropped >= 7, metrics);
        assertEquals(9.0, dropped + queued, "every call not sent is queued or counted as dropped: " + metrics);
        intake.release();
    }

    private Map<String, List<JsonNode>> received(int posts) throws Exception {
        Map<String, List<JsonNode>> byPath = new HashMap<>();
        int calls = 0;
        while (calls < posts) {
            RecordedRequest posted = intake.takeRequest();
            assertEquals("Bearer intake-token".equals(posted.header("authorization").orElse(null)),
                    posted.path().equals("/audit"), "each callback sends its own headers");
            List<JsonNode> payloads = byPath.computeIfAbsent(posted.path(), p -> new ArrayList<>());
            if (posted.path().equals("/failures")) {
                for (String line : posted.bodyText().split("\n")) {
                    payloads.add(RunningGateway.JSON.readTree(line));
                    calls++;
                }
            } else {
                for (JsonNode payload : RunningGateway.JSON.readTree(posted.body())) {
                    payloads.add(payload);
                    calls++;
                }
            }
        }
        return byPath;
    }

    private static double metric(String scrape, String series) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        return line.find() ? Double.parseDouble(line.group(1)) : Double.NaN;
    }
}
