package dev.sluice.plugins.logging.generic;

import dev.sluice.api.CallLogger;
import dev.sluice.api.ConfigSection;
import dev.sluice.api.LogSink;
import dev.sluice.api.LoggerSetup;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pf4j.Extension;

/**
 * LiteLLM's {@code generic_api} callback: every call's standard logging payload POSTed to an HTTP
 * endpoint of the site's choosing.
 *
 * <pre>{@code
 * litellm_settings:
 *   callbacks: ["audit"]
 * callback_settings:
 *   audit:
 *     callback_type: generic_api
 *     endpoint: https://logs.example.com/ingest     # else GENERIC_LOGGER_ENDPOINT
 *     headers: {Authorization: "Bearer os.environ/AUDIT_TOKEN"}   # else GENERIC_LOGGER_HEADERS (k=v,k=v)
 *     event_types: [llm_api_success, llm_api_failure]
 *     log_format: json_array     # json_array (one array per batch), ndjson (a line per call), single (a POST per call)
 *     timeout: 10                # seconds per POST
 * }</pre>
 */
@Extension
public final class GenericApiLogger implements CallLogger {

    @Override
    public String type() {
        return "generic_api";
    }

    @Override
    public LogSink open(LoggerSetup setup) {
        ConfigSection settings = setup.settings();
        URI uri = settings.httpUrl("endpoint", settings.text("endpoint", setup.environment(), "GENERIC_LOGGER_ENDPOINT")
                .orElseThrow(() -> settings.invalid("endpoint", "is required (or set GENERIC_LOGGER_ENDPOINT)")));
        Map<String, String> headers = new LinkedHashMap<>(headersFromEnvironment(setup.environment()));
        headers.putAll(settings.textMap("headers"));
        LogFormat format = LogFormat.named(settings.text("log_format", "json_array"))
                .orElseThrow(() -> settings.invalid("log_format", "must be json_array, ndjson or single"));
        long timeout = settings.number("timeout", 10);
        if (timeout < 1 || timeout > 300) {
            throw settings.invalid("timeout", "must be between 1 and 300 seconds");
        }
        return new HttpLogSink(uri, headers, format, Duration.ofSeconds(timeout), setup.transport(), setup.json());
    }

    /** LiteLLM's {@code GENERIC_LOGGER_HEADERS}: {@code name=value} pairs separated by commas. */
    private static Map<String, String> headersFromEnvironment(Map<String, String> environment) {
        Map<String, String> headers = new LinkedHashMap<>();
        String pairs = environment.getOrDefault("GENERIC_LOGGER_HEADERS", "");
        for (String pair : pairs.split(",")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                headers.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip());
            }
        }
        return headers;
    }
}
