package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;
import org.pf4j.ExtensionPoint;

/**
 * Picks one deployment of a model group, among those that are healthy and have headroom.
 * Chosen by {@code router_settings.routing_strategy}. Policies take their randomness from the
 * argument, never from a generator of their own, so tests can fix it.
 *
 * <p>The gateway has already left out deployments that are cooling down, that are at their
 * {@code rpm}/{@code tpm} for this minute, that failed earlier in this call, that are too small
 * for the prompt (with {@code enable_pre_call_checks}) and that have a worse {@code order} than
 * another candidate; a policy only chooses among equals. One instance serves every call
 * concurrently: a policy keeps no per-call state.
 */
public interface RoutingPolicy extends ExtensionPoint {

    /** @return the {@code routing_strategy} name, e.g. {@code simple-shuffle} */
    String name();

    /**
     * Receives {@code router_settings.routing_strategy_args} once, before the first call.
     *
     * @param args the arguments; an empty object when none are set
     * @throws IllegalArgumentException naming the argument at fault
     * @since 1.2.0
     */
    default void configure(JsonNode args) {
    }

    /**
     * @param candidates at least one deployment, all healthy
     * @param request    the request being routed
     * @param random     the random source to use
     * @return one of the candidates
     */
    RoutingCandidate pick(List<RoutingCandidate> candidates, ModelRequest request, RandomGenerator random);

    /**
     * The candidate with the lowest score, a tie broken at random, for policies that rank.
     *
     * @param candidates at least one candidate
     * @param score      lower is better; {@link Double#POSITIVE_INFINITY} for "only if nothing else"
     * @param random     the tie-breaker
     * @return one of the lowest-scoring candidates
     * @since 1.2.0
     */
    static RoutingCandidate lowest(List<RoutingCandidate> candidates, ToDoubleFunction<RoutingCandidate> score,
                                   RandomGenerator random) {
        List<RoutingCandidate> best = new ArrayList<>(candidates.size());
        double bestScore = Double.NaN;
        for (RoutingCandidate candidate : candidates) {
            double value = score.applyAsDouble(candidate);
            if (best.isEmpty() || value < bestScore) {
                best.clear();
                bestScore = value;
            }
            if (value == bestScore) {
                best.add(candidate);
            }
        }
        return best.size() == 1 ? best.getFirst() : best.get(random.nextInt(best.size()));
    }
}
