package dev.sluice.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A loaded, validated {@code config.yaml} in LiteLLM's format.
 *
 * @param modelList       {@code model_list}
 * @param general         {@code general_settings}
 * @param routingStrategy {@code router_settings.routing_strategy}
 * @param requestTimeout  the default timeout of a model call ({@code router_settings.timeout},
 *                        else {@code litellm_settings.request_timeout}, else 600 s)
 * @param notices         things the operator should know: unknown keys, keys of features not
 *                        built yet, unset environment variables; logged once at start-up
 */
public record GatewayConfig(List<DeploymentConfig> modelList, GeneralSettings general, String routingStrategy,
                            Duration requestTimeout, List<String> notices) {

    /** Copies the lists. */
    public GatewayConfig {
        modelList = List.copyOf(modelList);
        Objects.requireNonNull(general, "general");
        Objects.requireNonNull(routingStrategy, "routingStrategy");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        notices = List.copyOf(notices);
    }
}
