package dev.sluice.core.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When tracing is on, and how LiteLLM's and OpenTelemetry's variables configure the exporter. */
class TraceExportTest {

    @Test
    void tracingIsOffUnlessACallbackOrAnOtlpVariableAsksForIt() {
        assertTrue(TraceExport.fromSettings(List.of("prometheus"), Map.of("OTEL_SERVICE_NAME", "x")).isEmpty());
        assertTrue(TraceExport.fromSettings(List.of(), Map.of("OTEL_TRACES_EXPORTER", "none")).isEmpty());
        assertTrue(TraceExport.fromSettings(List.of("otel"), Map.of("OTEL_SDK_DISABLED", "true")).isEmpty());
        TraceExport.fromSettings(List.of("otel"), Map.of("OTEL_TRACES_EXPORTER", "logging"))
                .orElseThrow().close();
    }

    @Test
    void liteLlmsVariablesMapOntoTheStandardOnesWhichWin() {
        Map<String, String> properties = TraceExport.properties(Map.of("OTEL_EXPORTER", "otlp_http",
                "OTEL_ENDPOINT", "http://collector:4318/v1/traces", "OTEL_HEADERS", "api-key=abc",
                "OTEL_SERVICE_NAME", "gateway-eu"));
        assertEquals("http/protobuf", properties.get("otel.exporter.otlp.protocol"));
        assertEquals("http://collector:4318/v1/traces", properties.get("otel.exporter.otlp.traces.endpoint"));
        assertEquals("api-key=abc", properties.get("otel.exporter.otlp.headers"));
        assertEquals("gateway-eu", properties.get("otel.service.name"));
        assertEquals("none", properties.get("otel.metrics.exporter"), "metrics are scraped, not pushed");
        assertEquals("grpc", TraceExport.properties(Map.of("OTEL_EXPORTER", "otlp_grpc"))
                .get("otel.exporter.otlp.protocol"));
        assertEquals("logging", TraceExport.properties(Map.of("OTEL_EXPORTER", "console")).get("otel.traces.exporter"));
        assertEquals("sluice", TraceExport.properties(Map.of()).get("otel.service.name"));
    }
}
