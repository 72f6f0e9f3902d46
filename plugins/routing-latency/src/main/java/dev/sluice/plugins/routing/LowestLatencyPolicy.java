package dev.sluice.plugins.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.DeploymentStats;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.RoutingCandidate;
import dev.sluice.api.RoutingPolicy;
import java.util.List;
import java.util.random.RandomGenerator;
import org.pf4j.Extension;

/**
 * LiteLLM's {@code latency-based-routing}: the deployment with the lowest recent latency; for a
 * streamed call, the lowest time to first token (its latency when no stream has been timed). A
 * deployment not yet timed counts as fastest, so every one gets measured.
 * {@code routing_strategy_args.lowest_latency_buffer} (e.g. 0.1) spreads calls at random over
 * every deployment within that fraction of the fastest, so one does not take all the traffic.
 */
@Extension
public final class LowestLatencyPolicy implements RoutingPolicy {

    private volatile double buffer;

    @Override
    public String name() {
        return "latency-based-routing";
    }

    @Override
    public void configure(JsonNode args) {
        JsonNode value = args.path("lowest_latency_buffer");
        if (value.isMissingNode() || value.isNull()) {
            return;
        }
        if (!value.isNumber() || value.asDouble() < 0) {
            throw new IllegalArgumentException("lowest_latency_buffer must be a number of 0 or more, e.g. 0.1");
        }
        buffer = value.asDouble();
    }

    @Override
    public RoutingCandidate pick(List<RoutingCandidate> candidates, ModelRequest request, RandomGenerator random) {
        boolean stream = request.stream();
        RoutingCandidate fastest = RoutingPolicy.lowest(candidates, candidate -> latency(candidate.stats(), stream),
                random);
        if (buffer == 0) {
            return fastest;
        }
        double limit = latency(fastest.stats(), stream) * (1 + buffer);
        List<RoutingCandidate> near = candidates.stream()
                .filter(candidate -> latency(candidate.stats(), stream) <= limit).toList();
        return near.get(random.nextInt(near.size()));
    }

    private static double latency(DeploymentStats stats, boolean stream) {
        return stream && stats.timeToFirstTokenMillis() > 0 ? stats.timeToFirstTokenMillis() : stats.latencyMillis();
    }
}
