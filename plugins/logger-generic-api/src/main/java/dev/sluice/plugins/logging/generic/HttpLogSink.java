package dev.sluice.plugins.logging.generic;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.HttpTransport;
import dev.sluice.api.LogSink;
import dev.sluice.api.LoggedCall;
import dev.sluice.api.UpstreamRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** POSTs batches of calls to one endpoint in the configured format. */
final class HttpLogSink implements LogSink {

    private final URI endpoint;
    private final Map<String, String> headers;
    private final LogFormat format;
    private final Duration timeout;
    private final HttpTransport transport;
    private final ObjectMapper json;

    HttpLogSink(URI endpoint, Map<String, String> headers, LogFormat format, Duration timeout, HttpTransport transport,
                ObjectMapper json) {
        this.endpoint = endpoint;
        this.headers = Map.copyOf(headers);
        this.format = format;
        this.timeout = timeout;
        this.transport = transport;
        this.json = json;
    }

    @Override
    public void send(List<LoggedCall> batch) throws IOException {
        switch (format) {
            case JSON_ARRAY -> post(json.writeValueAsBytes(batch.stream().map(LoggedCall::payload).toList()),
                    "application/json");
            case NDJSON -> {
                ByteArrayOutputStream lines = new ByteArrayOutputStream();
                for (LoggedCall call : batch) {
                    lines.write(json.writeValueAsBytes(call.payload()));
                    lines.write('\n');
                }
                post(lines.toByteArray(), "application/x-ndjson");
            }
            case SINGLE -> {
                for (LoggedCall call : batch) {
                    post(json.writeValueAsBytes(call.payload()), "application/json");
                }
            }
        }
    }

    private void post(byte[] body, String contentType) throws IOException {
        Map<String, String> sent = new HashMap<>(headers);
        sent.putIfAbsent("Content-Type", contentType);
        LogSink.deliver(transport, new UpstreamRequest("POST", endpoint, sent, body, timeout));
    }
}
