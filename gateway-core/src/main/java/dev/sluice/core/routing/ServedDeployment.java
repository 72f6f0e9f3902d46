package dev.sluice.core.routing;

import dev.sluice.api.ProviderAdapter;
import dev.sluice.core.config.DeploymentConfig;
import java.util.Objects;
import java.util.Optional;

/**
 * A configured deployment, the provider plugin that serves it (none when no loaded plugin serves
 * its provider prefix: its calls then fail with an error naming the missing plugin) and its live
 * load, shared by every call.
 *
 * @param config  the deployment's config
 * @param adapter the adapter serving it, if one is loaded
 * @param load    its traffic, latency, failures and cooldown in this process
 * @param alone   whether it is its group's only deployment; as in LiteLLM such a deployment is
 *                never cooled down: there is nothing to send its calls to instead, and its
 *                callers are better served by its own errors (and retries) than by a 429
 */
public record ServedDeployment(DeploymentConfig config, Optional<ProviderAdapter> adapter, DeploymentLoad load,
                               boolean alone) {

    /** @throws NullPointerException if a part is null */
    public ServedDeployment {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(adapter, "adapter");
        Objects.requireNonNull(load, "load");
    }

    /** @return the error a call to this deployment gets while no plugin serves it */
    public String missingPluginMessage() {
        String provider = config.deployment().provider();
        return "Model group '" + config.deployment().modelGroup() + "' is served by provider '" + provider
                + "', but no loaded plugin provides it. Install the provider plugin for '" + provider
                + "' (e.g. provider-" + provider.replace('_', '-') + ") in the plugins folder; it is picked up "
                + "within seconds, no restart needed. /plugins lists the plugins loaded and their state.";
    }
}
