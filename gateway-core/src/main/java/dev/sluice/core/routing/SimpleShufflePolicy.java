package dev.sluice.core.routing;

import dev.sluice.api.ModelRequest;
import dev.sluice.api.RoutingCandidate;
import dev.sluice.api.RoutingPolicy;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * LiteLLM's default strategy: a random deployment, weighted by {@code weight} (every weight 1
 * unless set, so a plain random pick).
 */
public final class SimpleShufflePolicy implements RoutingPolicy {

    @Override
    public String name() {
        return "simple-shuffle";
    }

    @Override
    public RoutingCandidate pick(List<RoutingCandidate> candidates, ModelRequest request, RandomGenerator random) {
        if (candidates.size() == 1) {
            return candidates.getFirst();
        }
        double total = 0;
        for (RoutingCandidate candidate : candidates) {
            total += candidate.weight();
        }
        if (total <= 0) {
            return candidates.get(random.nextInt(candidates.size()));
        }
        double point = random.nextDouble() * total;
        for (RoutingCandidate candidate : candidates) {
            point -= candidate.weight();
            if (point < 0) {
                return candidate;
            }
        }
        return candidates.getLast();
    }
}
