package dev.sluice.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link CallLogger} opens a sink with.
 *
 * @param name        the callback's name in {@code litellm_settings.callbacks}
 * @param settings    its entry under {@code callback_settings} (empty when it has none)
 * @param environment the gateway's environment variables, where LiteLLM's loggers read their
 *                    credentials (e.g. {@code LANGFUSE_PUBLIC_KEY}); values are secrets, never log them
 * @param transport   the gateway's HTTP client: send through it, never a client of the plugin's own
 * @param json        the gateway's JSON mapper
 * @since 1.4.0
 */
public record LoggerSetup(String name, ConfigSection settings, Map<String, String> environment,
                          HttpTransport transport, ObjectMapper json) {

    /** Checks the arguments. */
    public LoggerSetup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(settings, "settings");
        environment = Map.copyOf(environment);
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(json, "json");
    }
}
