package dev.sluice.plugins.logging.datadog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sluice.api.HttpTransport;
import dev.sluice.api.LogSink;
import dev.sluice.api.LoggedCall;
import dev.sluice.api.UpstreamRequest;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One batch of calls as one intake request: a JSON array of logs, each call's payload as its message. */
final class DatadogSink implements LogSink {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI intake;
    private final String apiKey;
    private final String source;
    private final String service;
    private final String tags;
    private final String hostname;
    private final HttpTransport transport;
    private final ObjectMapper json;

    DatadogSink(URI intake, String apiKey, String source, String service, String tags, String hostname,
                HttpTransport transport, ObjectMapper json) {
        this.intake = intake;
        this.apiKey = apiKey;
        this.source = source;
        this.service = service;
        this.tags = tags;
        this.hostname = hostname;
        this.transport = transport;
        this.json = json;
    }

    @Override
    public void send(List<LoggedCall> batch) throws IOException {
        ArrayNode logs = json.createArrayNode();
        for (LoggedCall call : batch) {
            logs.addObject().put("ddsource", source).put("ddtags", tags).put("hostname", hostname)
                    .put("service", service).put("status", call.succeeded() ? "info" : "error")
                    .put("message", json.writeValueAsString(call.payload()));
        }
        LogSink.deliver(transport, new UpstreamRequest("POST", intake, Map.of("Content-Type", "application/json",
                "DD-API-KEY", apiKey), json.writeValueAsBytes(logs), TIMEOUT));
    }
}
