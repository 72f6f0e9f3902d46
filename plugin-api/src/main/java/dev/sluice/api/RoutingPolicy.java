package dev.sluice.api;

import java.util.List;
import java.util.random.RandomGenerator;
import org.pf4j.ExtensionPoint;

/**
 * Picks one deployment of a model group, among those that are healthy and have headroom.
 * Chosen by {@code router_settings.routing_strategy}. Policies take their randomness from the
 * argument, never from a generator of their own, so tests can fix it.
 */
public interface RoutingPolicy extends ExtensionPoint {

    /** @return the {@code routing_strategy} name, e.g. {@code simple-shuffle} */
    String name();

    /**
     * @param candidates at least one deployment, all healthy
     * @param request    the request being routed
     * @param random     the random source to use
     * @return one of the candidates
     */
    RoutingCandidate pick(List<RoutingCandidate> candidates, ModelRequest request, RandomGenerator random);
}
