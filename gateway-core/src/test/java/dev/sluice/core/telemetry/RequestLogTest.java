package dev.sluice.core.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.sluice.api.Deployment;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.api.Usage;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The request log's line, as JSON and as name=value pairs. */
class RequestLogTest {

    private static final Deployment DEPLOYMENT = new Deployment("dep-1", "gpt-4o", "openai", "gpt-4o",
            Optional.of("https://api.openai.com/v1"), Optional.empty(), Optional.empty(), Duration.ofSeconds(60),
            Duration.ofSeconds(60), Map.of(), JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode());

    private static FinishedCall call(Optional<GatewayException> failure, int status) {
        Principal caller = new Principal("hash-of-key", Role.INTERNAL_USER, Optional.of("search \"prod\""),
                Optional.of("u1"), Optional.of("t1"), java.util.Set.of(), Map.of());
        return new FinishedCall("call-7", "chat", Optional.of("gpt-4o"), status, failure, Optional.of(caller),
                Optional.of("Search"), Optional.empty(), Optional.of(DEPLOYMENT), new Usage(12, 30, 0, 0),
                new BigDecimal("0.000420"), false, 2_500_000, 2_000_000, -1);
    }

    @Test
    void aJsonLineCarriesTheCallsFactsAsOneObject() throws Exception {
        JsonNode line = new ObjectMapper().readTree(new RequestLog(true).line(call(Optional.empty(), 200)));
        assertEquals("call-7", line.path("call_id").asText());
        assertEquals("search \"prod\"", line.path("key_alias").asText());
        assertEquals("gpt-4o", line.path("model").asText());
        assertEquals("dep-1", line.path("deployment").asText());
        assertEquals("openai/gpt-4o", line.path("litellm_model_name").asText());
        assertEquals(200, line.path("status").asInt());
        assertEquals(12, line.path("prompt_tokens").asInt());
        assertEquals(30, line.path("completion_tokens").asInt());
        assertEquals(0, new BigDecimal("0.00042").compareTo(line.path("cost").decimalValue()));
        assertEquals(2.5, line.path("duration_ms").asDouble());
        assertEquals(0.5, line.path("overhead_ms").asDouble());
        assertEquals(false, line.has("error"));
    }

    @Test
    void linesAreWrittenByTheLogsOwnThreadWithTheirPrefix() throws Exception {
        java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(written, true, java.nio.charset.StandardCharsets.UTF_8);
        try (RequestLog log = new RequestLog(true, () -> out)) {
            log.log(call(Optional.empty(), 200));
            log.log(call(Optional.empty(), 200));
        }
        List<String> lines = written.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        JsonNode line = new ObjectMapper().readTree(lines.getFirst());
        assertEquals("sluice.requests", line.path("logger").asText());
        assertEquals("INFO", line.path("level").asText());
        assertEquals("call-7", line.path("call_id").asText());
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        try (RequestLog log = new RequestLog(false, () -> new java.io.PrintStream(text, true))) {
            log.log(call(Optional.empty(), 200));
        }
        assertEquals(true, text.toString().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d INFO sluice.requests - "
                + "call_id=call-7 .*\\n"), text.toString());
    }

    @Test
    void millisecondsHaveThreeDecimals() {
        assertEquals("2.500", RequestLog.millis(2_500_000));
        assertEquals("0.007", RequestLog.millis(7_000));
        assertEquals("1234.056", RequestLog.millis(1_234_056_999));
    }

    @Test
    void aTextLineIsNameValuePairsWithTheErrorKind() {
        String line = new RequestLog(false).line(call(Optional.of(GatewayException.badRequest("no", "model")), 400));
        assertEquals("call_id=call-7 operation=chat model=gpt-4o deployment=dep-1 litellm_model_name=openai/gpt-4o "
                + "key_alias=search__prod_ team=t1 user=u1 status=400 prompt_tokens=12 completion_tokens=30 "
                + "cost=0.000420 duration_ms=2.500 overhead_ms=0.500 cache_hit=false error=invalid_request_error", line);
    }
}
