package dev.sluice.plugins.routing;

import dev.sluice.api.ModelRequest;
import dev.sluice.api.RoutingCandidate;
import dev.sluice.api.RoutingPolicy;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;
import org.pf4j.Extension;

/**
 * LiteLLM's default strategy: a random deployment, weighted by {@code weight} when the
 * deployments' weights differ, else by {@code rpm} when any sets one, else by {@code tpm} when
 * any sets one, else uniformly.
 */
@Extension
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
        ToDoubleFunction<RoutingCandidate> weight = weighting(candidates);
        double total = 0;
        for (RoutingCandidate candidate : candidates) {
            total += weight.applyAsDouble(candidate);
        }
        if (total <= 0) {
            return candidates.get(random.nextInt(candidates.size()));
        }
        double point = random.nextDouble() * total;
        for (RoutingCandidate candidate : candidates) {
            point -= weight.applyAsDouble(candidate);
            if (point < 0) {
                return candidate;
            }
        }
        return candidates.getLast();
    }

    private static ToDoubleFunction<RoutingCandidate> weighting(List<RoutingCandidate> candidates) {
        double first = candidates.getFirst().weight();
        if (candidates.stream().anyMatch(candidate -> candidate.weight() != first)) {
            return RoutingCandidate::weight;
        }
        if (candidates.stream().anyMatch(candidate -> candidate.rpm() > 0)) {
            return RoutingCandidate::rpm;
        }
        if (candidates.stream().anyMatch(candidate -> candidate.tpm() > 0)) {
            return RoutingCandidate::tpm;
        }
        return candidate -> 1;
    }
}
