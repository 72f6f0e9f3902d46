package dev.sluice.plugins.logging.generic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GenericApiLoggerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakeLogIntake intake = new FakeLogIntake();

    @AfterEach
    void stop() {
        intake.close();
    }

    private LogSink open(String settings, Map<String, String> environment) throws Exception {
        return new GenericApiLogger().open(new LoggerSetup("audit", new ConfigSection("callback_settings.audit",
                (ObjectNode) JSON.readTree(settings)), environment, new JdkHttpTransport(), JSON));
    }

    private static List<LoggedCall> calls(int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> new LoggedCall("call-" + i, i % 2 == 0,
                JSON.createObjectNode().put("id", "call-" + i).put("status", i % 2 == 0 ? "success" : "failure")))
                .toList();
    }

    @Test
    void aBatchIsOneJsonArrayWithTheConfiguredHeaders() throws Exception {
        LogSink sink = open("{\"endpoint\": \"" + intake.baseUri() + "/logs\", \"headers\": {\"Authorization\": "
                + "\"Bearer intake-token\"}}", Map.of());
        sink.send(calls(3));
        RecordedRequest posted = intake.takeRequest();
        assertEquals("POST", posted.method());
        assertEquals("/logs", posted.path());
        assertEquals("Bearer intake-token", posted.header("authorization").orElseThrow());
        assertEquals("application/json", posted.header("content-type").orElseThrow());
        JsonNode body = JSON.readTree(posted.body());
        assertEquals(3, body.size());
        assertEquals("call-2", body.path(2).path("id").asText());
    }

    @Test
    void ndjsonSendsALinePerCallAndSingleAPostPerCall() throws Exception {
        open("{\"endpoint\": \"" + intake.baseUri() + "\", \"log_format\": \"ndjson\"}", Map.of()).send(calls(2));
        RecordedRequest lines = intake.takeRequest();
        assertEquals("application/x-ndjson", lines.header("content-type").orElseThrow());
        String[] sent = lines.bodyText().split("\n");
        assertEquals(2, sent.length);
        assertEquals("failure", JSON.readTree(sent[1]).path("status").asText());

        open("{\"endpoint\": \"" + intake.baseUri() + "\", \"log_format\": \"single\"}", Map.of()).send(calls(2));
        assertEquals("call-0", JSON.readTree(intake.takeRequest().body()).path("id").asText());
        assertEquals("call-1", JSON.readTree(intake.takeRequest().body()).path("id").asText());
    }

    @Test
    void theEndpointAndHeadersMayComeFromLiteLlmsEnvironmentVariables() throws Exception {
        open("{}", Map.of("GENERIC_LOGGER_ENDPOINT", intake.baseUri() + "/env", "GENERIC_LOGGER_HEADERS",
                "X-Team=platform, Authorization=Bearer env-token")).send(calls(1));
        RecordedRequest posted = intake.takeRequest();
        assertEquals("/env", posted.path());
        assertEquals("platform", posted.header("x-team").orElseThrow());
        assertEquals("Bearer env-token", posted.header("authorization").orElseThrow());
    }

    @Test
    void anErrorAnswerOrAnUnreachableEndpointFailsTheBatchWithoutShowingThePath() throws Exception {
        LogSink sink = open("{\"endpoint\": \"" + intake.baseUri() + "/ingest?token=secret-in-url\"}", Map.of());
        intake.failNext(500, null);
        IOException failed = assertThrows(IOException.class, () -> sink.send(calls(1)));
        assertTrue(failed.getMessage().contains("500"), failed.getMessage());
        assertFalse(failed.getMessage().contains("secret-in-url"), failed.getMessage());
        LogSink nowhere = open("{\"endpoint\": \"http://127.0.0.1:1/ingest?token=secret-in-url\"}", Map.of());
        IOException unreachable = assertThrows(IOException.class, () -> nowhere.send(calls(1)));
        assertFalse(unreachable.getMessage().contains("secret-in-url"), unreachable.getMessage());
    }

    @Test
    void settingsItCannotUseAreRefusedNamingTheirPath() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> open("{}", Map.of()));
        assertTrue(missing.getMessage().startsWith("callback_settings.audit.endpoint:"), missing.getMessage());
        IllegalArgumentException format = assertThrows(IllegalArgumentException.class, () -> open(
                "{\"endpoint\": \"http://127.0.0.1/\", \"log_format\": \"xml\"}", Map.of()));
        assertTrue(format.getMessage().startsWith("callback_settings.audit.log_format:"), format.getMessage());
        IllegalArgumentException scheme = assertThrows(IllegalArgumentException.class, () -> open(
                "{\"endpoint\": \"ftp://logs.example.com/\"}", Map.of()));
        assertTrue(scheme.getMessage().contains("http or https"), scheme.getMessage());
        IllegalArgumentException headers = assertThrows(IllegalArgumentException.class, () -> open(
                "{\"endpoint\": \"http://127.0.0.1/\", \"headers\": [\"Authorization\"]}", Map.of()));
        assertTrue(headers.getMessage().startsWith("callback_settings.audit.headers:"), headers.getMessage());
    }
}
