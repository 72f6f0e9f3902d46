package dev.sluice.plugins.logging.datadog;

import dev.sluice.api.CallLogger;
import dev.sluice.api.ConfigSection;
import dev.sluice.api.LogSink;
import dev.sluice.api.LoggerSetup;
import java.net.URI;
import java.util.Map;
import org.pf4j.Extension;

/**
 * LiteLLM's {@code datadog} callback: each call's payload as a Datadog log, sent in batches to
 * Datadog's HTTP log intake ({@code POST /api/v2/logs} with the {@code DD-API-KEY} header).
 *
 * <pre>{@code
 * litellm_settings:
 *   callbacks: ["datadog"]
 * # DD_API_KEY, DD_SITE (default datadoghq.com); DD_SOURCE (litellm), DD_SERVICE (litellm-server),
 * # DD_ENV, HOSTNAME; or callback_settings.datadog.endpoint for an intake of the site's own
 * }</pre>
 */
@Extension
public final class DatadogLogger implements CallLogger {

    @Override
    public String type() {
        return "datadog";
    }

    @Override
    public LogSink open(LoggerSetup setup) {
        ConfigSection settings = setup.settings();
        Map<String, String> environment = setup.environment();
        String apiKey = settings.text("dd_api_key", environment, "DD_API_KEY")
                .orElseThrow(() -> settings.invalid("dd_api_key", "is required (or set DD_API_KEY)"));
        String site = environment.getOrDefault("DD_SITE", "datadoghq.com");
        URI intake = settings.httpUrl("endpoint", settings.text("endpoint")
                .orElse("https://http-intake.logs." + site + "/api/v2/logs"));
        String env = environment.getOrDefault("DD_ENV", "unknown");
        return new DatadogSink(intake, apiKey, environment.getOrDefault("DD_SOURCE", "litellm"),
                environment.getOrDefault("DD_SERVICE", "litellm-server"), "env:" + env,
                environment.getOrDefault("HOSTNAME", "sluice"), setup.transport(), setup.json());
    }
}
