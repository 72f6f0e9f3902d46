package dev.sluice.plugins.logging.langfuse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.HttpTransport;
import dev.sluice.api.LogSink;
import dev.sluice.api.LoggedCall;
import dev.sluice.api.UpstreamRequest;
import dev.sluice.api.UpstreamResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One batch of calls as one ingestion request: a trace-create and a generation-create event per call. */
final class LangfuseSink implements LogSink {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI ingestion;
    private final String authorization;
    private final HttpTransport transport;
    private final ObjectMapper json;

    LangfuseSink(URI ingestion, String authorization, HttpTransport transport, ObjectMapper json) {
        this.ingestion = ingestion;
        this.authorization = authorization;
        this.transport = transport;
        this.json = json;
    }

    @Override
    public void send(List<LoggedCall> batch) throws IOException {
        ObjectNode body = json.createObjectNode();
        ArrayNode events = body.putArray("batch");
        for (LoggedCall call : batch) {
            JsonNode payload = call.payload();
            String startTime = isoTime(payload.path("startTime"));
            events.add(event(call.id() + "-trace", "trace-create", startTime, trace(call, startTime)));
            events.add(event(call.id() + "-generation", "generation-create", startTime, generation(call, startTime)));
        }
        UpstreamResponse answer = LogSink.deliver(transport, new UpstreamRequest("POST", ingestion, Map.of(
                "Content-Type", "application/json", "Authorization", authorization), json.writeValueAsBytes(body), TIMEOUT));
        // 207: Langfuse reports events it refused one by one instead of failing the request
        JsonNode errors = json.readTree(answer.body()).path("errors");
        if (errors.isArray() && !errors.isEmpty()) {
            throw new IOException(ingestion.getHost() + " refused " + errors.size() + " of " + events.size()
                    + " events, e.g. status " + errors.path(0).path("status").asText() + ": "
                    + errors.path(0).path("message").asText());
        }
    }

    private ObjectNode event(String id, String type, String timestamp, ObjectNode body) {
        ObjectNode event = json.createObjectNode().put("id", id).put("type", type).put("timestamp", timestamp);
        event.set("body", body);
        return event;
    }

    private ObjectNode trace(LoggedCall call, String startTime) {
        JsonNode payload = call.payload();
        ObjectNode trace = json.createObjectNode().put("id", call.id())
                .put("name", "litellm-" + payload.path("call_type").asText())
                .put("timestamp", startTime);
        if (!payload.path("end_user").asText("").isEmpty()) {
            trace.put("userId", payload.path("end_user").asText());
        }
        trace.set("input", payload.get("messages"));
        trace.set("output", payload.get("response"));
        trace.set("metadata", payload.path("metadata").deepCopy());
        return trace;
    }

    private ObjectNode generation(LoggedCall call, String startTime) {
        JsonNode payload = call.payload();
        ObjectNode generation = json.createObjectNode().put("id", call.id()).put("traceId", call.id())
                .put("name", "litellm-" + payload.path("call_type").asText())
                .put("startTime", startTime)
                .put("endTime", isoTime(payload.path("endTime")))
                .put("completionStartTime", isoTime(payload.path("completionStartTime")))
                .put("model", payload.path("model").asText())
                .put("level", call.succeeded() ? "DEFAULT" : "ERROR");
        generation.set("input", payload.get("messages"));
        generation.set("output", payload.get("response"));
        if (!call.succeeded()) {
            generation.put("statusMessage", payload.path("error_str").asText());
        }
        ObjectNode usage = generation.putObject("usageDetails");
        usage.put("input", payload.path("prompt_tokens").asLong()).put("output", payload.path("completion_tokens").asLong())
                .put("total", payload.path("total_tokens").asLong());
        generation.putObject("costDetails").put("total", payload.path("response_cost").decimalValue());
        ObjectNode metadata = generation.putObject("metadata");
        metadata.put("model_group", payload.path("model_group").asText())
                .put("model_id", payload.path("model_id").asText())
                .put("custom_llm_provider", payload.path("custom_llm_provider").asText())
                .put("cache_hit", payload.path("cache_hit").asBoolean());
        return generation;
    }

    /** The payload's epoch seconds as ISO 8601, as Langfuse takes times. */
    private static String isoTime(JsonNode epochSeconds) {
        BigDecimal seconds = epochSeconds.isNumber() ? epochSeconds.decimalValue() : BigDecimal.ZERO;
        long whole = seconds.longValue();
        int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
        return Instant.ofEpochSecond(whole, nanos).toString();
    }
}
