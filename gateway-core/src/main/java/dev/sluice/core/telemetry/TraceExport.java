package dev.sluice.core.telemetry;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns tracing on from the configuration, as LiteLLM users set it up: {@code callbacks: ["otel"]}
 * in {@code litellm_settings}, or the standard {@code OTEL_*} variables (an OTLP endpoint, or
 * {@code OTEL_TRACES_EXPORTER}). The SDK is built by OpenTelemetry's autoconfiguration from those
 * variables, so OTLP over gRPC or HTTP, headers, sampling and resource attributes work as they
 * document; LiteLLM's own names ({@code OTEL_EXPORTER=otlp_http|otlp_grpc|console},
 * {@code OTEL_ENDPOINT}, {@code OTEL_HEADERS}) are understood too. Metrics and logs are not
 * exported: metrics are scraped at {@code /metrics}. Off by default.
 */
public final class TraceExport {

    private TraceExport() {
    }

    /**
     * @param callbacks {@code litellm_settings.callbacks}
     * @param env       the environment
     * @return the SDK, if tracing is asked for
     */
    public static Optional<OpenTelemetrySdk> fromSettings(List<String> callbacks, Map<String, String> env) {
        boolean asked = callbacks.stream().anyMatch(name -> name.equals("otel") || name.equals("opentelemetry"))
                || env.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT") || env.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
                || (env.containsKey("OTEL_TRACES_EXPORTER") && !env.get("OTEL_TRACES_EXPORTER").equals("none"));
        if (!asked || "true".equalsIgnoreCase(env.get("OTEL_SDK_DISABLED"))) {
            return Optional.empty();
        }
        Map<String, String> properties = properties(env);
        return Optional.of(AutoConfiguredOpenTelemetrySdk.builder()
                .disableShutdownHook()
                .addPropertiesSupplier(() -> properties)
                .build()
                .getOpenTelemetrySdk());
    }

    /** @return the SDK's properties: the OTEL_* variables, LiteLLM's names mapped, Sluice's defaults */
    static Map<String, String> properties(Map<String, String> env) {
        Map<String, String> properties = new HashMap<>();
        properties.put("otel.service.name", "sluice");
        properties.put("otel.traces.exporter", "otlp");
        properties.put("otel.metrics.exporter", "none");
        properties.put("otel.logs.exporter", "none");
        String litellmExporter = env.getOrDefault("OTEL_EXPORTER", "");
        switch (litellmExporter) {
            case "otlp_http" -> properties.put("otel.exporter.otlp.protocol", "http/protobuf");
            case "otlp_grpc", "otlp" -> properties.put("otel.exporter.otlp.protocol", "grpc");
            case "console" -> properties.put("otel.traces.exporter", "logging");
            default -> { }
        }
        if (env.containsKey("OTEL_ENDPOINT")) { // LiteLLM's is the whole traces URL, e.g. http://collector:4318/v1/traces
            properties.put("otel.exporter.otlp.traces.endpoint", env.get("OTEL_ENDPOINT"));
        }
        if (env.containsKey("OTEL_HEADERS")) {
            properties.put("otel.exporter.otlp.headers", env.get("OTEL_HEADERS"));
        }
        env.forEach((name, value) -> {
            if (name.startsWith("OTEL_") && !name.equals("OTEL_EXPORTER") && !name.equals("OTEL_ENDPOINT")
                    && !name.equals("OTEL_HEADERS")) {
                properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return properties;
    }
}
