package dev.sluice.core.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Traces, metrics and logs.
 *
 * @param callbacks                {@code litellm_settings.callbacks} (and {@code success_callback}):
 *                                 {@code otel} turns tracing on; {@code prometheus} is accepted, as
 *                                 {@code /metrics} is always served
 * @param jsonLogs                 {@code json_logs}: every log line, the request log's included, as
 *                                 one JSON object
 * @param requireAuthForMetrics    {@code require_auth_for_metrics_endpoint}: {@code /metrics} only
 *                                 for callers with a valid key
 * @param environment              the {@code OTEL_*} variables (config's {@code environment_variables}
 *                                 included), for the trace exporter
 */
public record ObservabilitySettings(List<String> callbacks, boolean jsonLogs, boolean requireAuthForMetrics,
                                    Map<String, String> environment) {

    /** Copies the collections. */
    public ObservabilitySettings {
        callbacks = List.copyOf(callbacks);
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    /** @return none: no tracing, plain logs, open metrics */
    public static ObservabilitySettings defaults() {
        return new ObservabilitySettings(List.of(), false, false, Map.of());
    }

    static ObservabilitySettings read(ConfigNode litellm, ConfigNode general, Map<String, String> env) {
        List<String> callbacks = new java.util.ArrayList<>();
        for (String field : List.of("callbacks", "success_callback")) {
            for (ConfigNode callback : litellm.get(field).list()) {
                callbacks.add(callback.requiredText("a callback name"));
            }
        }
        boolean jsonLogs = litellm.get("json_logs").bool().or(() -> general.get("json_logs").bool())
                .orElse("true".equalsIgnoreCase(env.get("JSON_LOGS")));
        boolean metricsAuth = litellm.get("require_auth_for_metrics_endpoint").bool()
                .or(() -> general.get("require_auth_for_metrics_endpoint").bool()).orElse(false);
        Map<String, String> otel = new java.util.HashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("OTEL_")) {
                otel.put(name, value);
            }
        });
        return new ObservabilitySettings(callbacks, jsonLogs, metricsAuth, otel);
    }
}
