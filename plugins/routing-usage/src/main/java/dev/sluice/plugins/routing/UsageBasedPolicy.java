package dev.sluice.plugins.routing;

import dev.sluice.api.ModelRequest;
import dev.sluice.api.RoutingCandidate;
import dev.sluice.api.RoutingPolicy;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;
import org.pf4j.Extension;

/**
 * LiteLLM's {@code usage-based-routing}: the deployment with the most headroom this minute. When
 * every candidate has a {@code tpm} limit, headroom is the share of it left; else, when every one
 * has an {@code rpm} limit, the share of that; else the fewest tokens used. (The gateway has
 * already left out deployments at their limits.)
 */
@Extension
public final class UsageBasedPolicy implements RoutingPolicy {

    @Override
    public String name() {
        return "usage-based-routing";
    }

    @Override
    public RoutingCandidate pick(List<RoutingCandidate> candidates, ModelRequest request, RandomGenerator random) {
        return RoutingPolicy.lowest(candidates, used(candidates), random);
    }

    private static ToDoubleFunction<RoutingCandidate> used(List<RoutingCandidate> candidates) {
        if (candidates.stream().allMatch(candidate -> candidate.tpm() > 0)) {
            return candidate -> (double) candidate.stats().tokensThisMinute() / candidate.tpm();
        }
        if (candidates.stream().allMatch(candidate -> candidate.rpm() > 0)) {
            return candidate -> (double) candidate.stats().requestsThisMinute() / candidate.rpm();
        }
        return candidate -> candidate.stats().tokensThisMinute();
    }
}
