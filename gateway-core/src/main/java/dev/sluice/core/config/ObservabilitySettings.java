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
 * @param environment              the environment variables (config's {@code environment_variables}
 *                                 included), for the trace exporter ({@code OTEL_*}) and loggers' credentials
 * @param loggers                  the logging callbacks other than {@code otel} and {@code prometheus}
 * @param messageLogging           whether loggers get the calls' messages and answers; off with
 *                                 {@code litellm_settings.turn_off_message_logging}
 * @param alerting                 where alerts go and which are raised
 */
public record ObservabilitySettings(List<String> callbacks, boolean jsonLogs, boolean requireAuthForMetrics,
                                    Map<String, String> environment, List<CallbackConfig> loggers,
                                    boolean messageLogging, AlertingSettings alerting) {

    /** Copies the collections. */
    public ObservabilitySettings {
        callbacks = List.copyOf(callbacks);
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        loggers = List.copyOf(loggers);
        Objects.requireNonNull(alerting, "alerting");
    }

    /** @return none: no tracing, plain logs, open metrics, no loggers */
    public static ObservabilitySettings defaults() {
        return new ObservabilitySettings(List.of(), false, false, Map.of(), List.of(), true,
                AlertingSettings.none());
    }

    static ObservabilitySettings read(ConfigNode root, Map<String, String> env, List<String> notices) {
        ConfigNode litellm = root.get("litellm_settings");
        ConfigNode general = root.get("general_settings");
        List<String> callbacks = new java.util.ArrayList<>();
        for (String field : List.of("callbacks", "success_callback", "failure_callback")) {
            for (ConfigNode callback : litellm.get(field).list()) {
                callbacks.add(callback.requiredText("a callback name"));
            }
        }
        boolean jsonLogs = litellm.get("json_logs").bool().or(() -> general.get("json_logs").bool())
                .orElse("true".equalsIgnoreCase(env.get("JSON_LOGS")));
        boolean metricsAuth = litellm.get("require_auth_for_metrics_endpoint").bool()
                .or(() -> general.get("require_auth_for_metrics_endpoint").bool()).orElse(false);
        boolean messageLogging = !litellm.get("turn_off_message_logging").bool().orElse(false);
        return new ObservabilitySettings(callbacks, jsonLogs, metricsAuth, env,
                CallbackConfig.read(litellm, root.get("callback_settings")), messageLogging,
                AlertingSettings.read(general, notices));
    }
}
