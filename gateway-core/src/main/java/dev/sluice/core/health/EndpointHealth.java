package dev.sluice.core.health;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of checking one deployment, as LiteLLM's {@code /health} lists it.
 *
 * @param modelName the model group
 * @param model     {@code provider/model}
 * @param modelId   the deployment id
 * @param apiBase   the deployment's {@code api_base}, if set
 * @param error     why it is unhealthy, if it is
 */
public record EndpointHealth(String modelName, String model, String modelId, Optional<String> apiBase,
                             Optional<String> error) {

    /** @throws NullPointerException if a part is null */
    public EndpointHealth {
        Objects.requireNonNull(modelName);
        Objects.requireNonNull(model);
        Objects.requireNonNull(modelId);
        Objects.requireNonNull(apiBase);
        Objects.requireNonNull(error);
    }

    /** @return whether the deployment answered */
    public boolean healthy() {
        return error.isEmpty();
    }
}
