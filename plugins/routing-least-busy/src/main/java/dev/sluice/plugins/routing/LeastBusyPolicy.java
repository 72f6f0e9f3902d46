package dev.sluice.plugins.routing;

import dev.sluice.api.ModelRequest;
import dev.sluice.api.RoutingCandidate;
import dev.sluice.api.RoutingPolicy;
import java.util.List;
import java.util.random.RandomGenerator;
import org.pf4j.Extension;

/** LiteLLM's {@code least-busy}: the deployment with the fewest calls in flight; a tie at random. */
@Extension
public final class LeastBusyPolicy implements RoutingPolicy {

    @Override
    public String name() {
        return "least-busy";
    }

    @Override
    public RoutingCandidate pick(List<RoutingCandidate> candidates, ModelRequest request, RandomGenerator random) {
        return RoutingPolicy.lowest(candidates, candidate -> candidate.stats().inFlight(), random);
    }
}
