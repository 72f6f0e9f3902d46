package dev.sluice.plugins.logging.langfuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ConfigSection;
import dev.sluice.api.LogSink;
import dev.sluice.api.LoggedCall;
import dev.sluice.api.LoggerSetup;
import dev.sluice.testkit.FakeLogIntake;
import dev.sluice.testkit.JdkHttpTransport;
import dev.sluice.testkit.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against an in-process endpoint that takes Langfuse's ingestion requests and answers as Langfuse does (207). */
class LangfuseLoggerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakeLogIntake langfuse = new FakeLogIntake();

    @AfterEach
    void stop() {
        langfuse.close();
    }

    private LogSink open(Map<String, String> environment) {
        return new LangfuseLogger().open(new LoggerSetup("langfuse", new ConfigSection("callback_settings.langfuse",
                null), environment, new JdkHttpTransport(), JSON));
    }

    private static LoggedCall call(boolean succeeded) throws Exception {
        return new LoggedCall("call-1", succeeded, (ObjectNode) JSON.readTree("""
                {"id": "call-1", "call_type": "acompletion", "status": "success", "model": "gpt-4o-mini",
                 "model_group": "gpt", "model_id": "d1", "custom_llm_provider": "openai", "prompt_tokens": 20,
                 "completion_tokens": 3, "total_tokens": 23, "response_cost": 0.000026, "cache_hit": false,
                 "startTime": 1765000000.25, "endTime": 1765000001.5, "completionStartTime": 1765000000.75,
                 "end_user": "user-7", "metadata": {"user_api_key_hash": "abc", "user_api_key_team_id": "search"},
                 "messages": [{"role": "user", "content": "Hi"}], "response": {"choices": []},
                 "error_str": "upstream down"}"""));
    }

    @Test
    void eachCallIsATraceAndAGenerationWithItsUsageAndCostUnderBasicAuth() throws Exception {
        langfuse.failNextWithBody(207, "{\"successes\": [{\"id\": \"a\", \"status\": 201}], \"errors\": []}", null);
        open(Map.of("LANGFUSE_PUBLIC_KEY", "pk-lf-1", "LANGFUSE_SECRET_KEY", "sk-lf-2", "LANGFUSE_HOST",
                langfuse.baseUri().toString())).send(List.of(call(true)));
        RecordedRequest sent = langfuse.takeRequest();
        assertEquals("/api/public/ingestion", sent.path());
        assertEquals("Basic " + Base64.getEncoder().encodeToString("pk-lf-1:sk-lf-2".getBytes(StandardCharsets.UTF_8)),
                sent.header("authorization").orElseThrow());
        JsonNode batch = JSON.readTree(sent.body()).path("batch");
        assertEquals(2, batch.size());
        assertEquals("trace-create", batch.path(0).path("type").asText());
        assertEquals("user-7", batch.path(0).path("body").path("userId").asText());
        assertEquals("2025-12-06T05:46:40.250Z", batch.path(0).path("body").path("timestamp").asText());
        JsonNode generation = batch.path(1).path("body");
        assertEquals("generation-create", batch.path(1).path("type").asText());
        assertEquals("call-1", generation.path("traceId").asText());
        assertEquals("gpt-4o-mini", generation.path("model").asText());
        assertEquals(20, generation.path("usageDetails").path("input").asLong());
        assertEquals(0.000026, generation.path("costDetails").path("total").asDouble());
        assertEquals("2025-12-06T05:46:40.750Z", generation.path("completionStartTime").asText());
        assertEquals("DEFAULT", generation.path("level").asText());
    }

    @Test
    void aFailedCallIsAnErrorGenerationAndEventsLangfuseRefusesFailTheBatch() throws Exception {
        LogSink sink = open(Map.of("LANGFUSE_PUBLIC_KEY", "pk", "LANGFUSE_SECRET_KEY", "sk", "LANGFUSE_HOST",
                langfuse.baseUri().toString()));
        langfuse.failNextWithBody(207, "{\"successes\": [], \"errors\": [{\"id\": \"x\", \"status\": 400, "
                + "\"message\": \"invalid body\"}]}", null);
        IOException refused = assertThrows(IOException.class, () -> sink.send(List.of(call(false))));
        assertTrue(refused.getMessage().contains("refused 1 of 2"), refused.getMessage());
        JsonNode generation = JSON.readTree(langfuse.takeRequest().body()).path("batch").path(1).path("body");
        assertEquals("ERROR", generation.path("level").asText());
        assertEquals("upstream down", generation.path("statusMessage").asText());
        langfuse.failNext(401, null);
        assertThrows(IOException.class, () -> sink.send(List.of(call(true))));
    }

    @Test
    void withoutKeysItIsRefusedNamingTheSetting() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> open(Map.of()));
        assertTrue(missing.getMessage().startsWith("callback_settings.langfuse.langfuse_public_key"));
    }
}
