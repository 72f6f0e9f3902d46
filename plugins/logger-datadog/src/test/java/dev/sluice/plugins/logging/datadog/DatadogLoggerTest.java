package dev.sluice.plugins.logging.datadog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/** Against an in-process endpoint that takes Datadog's log intake requests. */
class DatadogLoggerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakeLogIntake intake = new FakeLogIntake();

    @AfterEach
    void stop() {
        intake.close();
    }

    private LogSink open() {
        return new DatadogLogger().open(new LoggerSetup("datadog", new ConfigSection("callback_settings.datadog",
                JSON.createObjectNode().put("endpoint", intake.baseUri() + "/api/v2/logs")),
                Map.of("DD_API_KEY", "dd-key", "DD_ENV", "prod", "HOSTNAME", "gw-1"), new JdkHttpTransport(), JSON));
    }

    @Test
    void aBatchIsOneArrayOfLogsWithThePayloadAsTheMessage() throws Exception {
        open().send(List.of(new LoggedCall("c1", true, JSON.createObjectNode().put("id", "c1")),
                new LoggedCall("c2", false, JSON.createObjectNode().put("id", "c2"))));
        RecordedRequest sent = intake.takeRequest();
        assertEquals("/api/v2/logs", sent.path());
        assertEquals("dd-key", sent.header("dd-api-key").orElseThrow());
        JsonNode logs = JSON.readTree(sent.body());
        assertEquals(2, logs.size());
        assertEquals("litellm", logs.path(0).path("ddsource").asText());
        assertEquals("env:prod", logs.path(0).path("ddtags").asText());
        assertEquals("gw-1", logs.path(0).path("hostname").asText());
        assertEquals("error", logs.path(1).path("status").asText());
        assertEquals("c2", JSON.readTree(logs.path(1).path("message").asText()).path("id").asText());
    }

    @Test
    void anErrorAnswerFailsTheBatchAndAMissingKeyTheCallback() {
        intake.failNext(403, null);
        assertThrows(IOException.class, () -> open().send(List.of(new LoggedCall("c", true, JSON.createObjectNode()))));
        assertThrows(IllegalArgumentException.class, () -> new DatadogLogger().open(new LoggerSetup("datadog",
                new ConfigSection("callback_settings.datadog", null), Map.of(), new JdkHttpTransport(), JSON)));
    }
}
