package dev.sluice.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Guardrail} opens a check with.
 *
 * @param name        its {@code guardrail_name}
 * @param settings    its {@code litellm_params}, environment references resolved (may hold secrets)
 * @param environment the gateway's environment variables
 * @param transport   the gateway's HTTP client, for a guardrail that calls a service
 * @param json        the gateway's JSON mapper
 * @since 1.4.0
 */
public record GuardrailSetup(String name, ConfigSection settings, Map<String, String> environment,
                             HttpTransport transport, ObjectMapper json) {

    /** Checks the arguments. */
    public GuardrailSetup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(settings, "settings");
        environment = Map.copyOf(environment);
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(json, "json");
    }
}
