package dev.sluice.core.routing;

import dev.sluice.api.Deployment;
import dev.sluice.api.TokenPrice;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A deployment as one call would use it: for a wildcard group, with the upstream model the
 * caller named filled in.
 *
 * @param served        the configured deployment, with its plugin and live load
 * @param deployment    the deployment handed to the plugin
 * @param price         what it charges, if known
 * @param contextWindow the most prompt tokens it takes, if known
 */
public record Route(ServedDeployment served, Deployment deployment, Optional<TokenPrice> price,
                    OptionalLong contextWindow) {

    static Route of(ServedDeployment served, Deployment deployment, DeploymentFacts facts) {
        return new Route(served, deployment, facts.price(deployment), facts.contextWindow(deployment));
    }
}
