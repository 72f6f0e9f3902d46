package dev.sluice.plugins.routing;

import dev.sluice.api.ModelRequest;
import dev.sluice.api.RoutingCandidate;
import dev.sluice.api.RoutingPolicy;
import java.util.List;
import java.util.random.RandomGenerator;
import org.pf4j.Extension;

/**
 * LiteLLM's {@code cost-based-routing}: the deployment with the lowest price per token (input plus
 * output). A deployment with no known price is taken only when no priced one can be.
 */
@Extension
public final class LowestCostPolicy implements RoutingPolicy {

    @Override
    public String name() {
        return "cost-based-routing";
    }

    @Override
    public RoutingCandidate pick(List<RoutingCandidate> candidates, ModelRequest request, RandomGenerator random) {
        return RoutingPolicy.lowest(candidates, candidate -> candidate.price()
                .map(price -> price.inputPerToken() + price.outputPerToken())
                .orElse(Double.POSITIVE_INFINITY), random);
    }
}
