package dev.sluice.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.DeploymentStats;
import dev.sluice.api.RoutingCandidate;
import dev.sluice.api.TokenPrice;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** Routing candidates, requests and random sources in a known state, for routing-policy tests. */
public final class Candidates {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Candidates() {
    }

    /** @return a candidate for {@code mock/<name>} with these numbers and no price */
    public static RoutingCandidate of(String name, DeploymentStats stats, double weight, long rpm, long tpm) {
        return new RoutingCandidate(Deployments.of("mock/" + name, null, null), stats, weight, rpm, tpm);
    }

    /** @return a candidate with default numbers and this price, if any */
    public static RoutingCandidate priced(String name, TokenPrice price) {
        return new RoutingCandidate(Deployments.of("mock/" + name, null, null), DeploymentStats.NONE, 1, 0, 0,
                Optional.ofNullable(price));
    }

    /** @return stats with these calls in flight and nothing else known */
    public static DeploymentStats inFlight(int calls) {
        return new DeploymentStats(calls, 0, 0, 0, 0);
    }

    /** @return a one-message chat request, streamed or not */
    public static ChatRequest chat(boolean stream) {
        ObjectNode body = JSON.createObjectNode().put("model", "test-group").put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        return new ChatRequest(body);
    }

    /** @return a random source whose every double is {@code value} and every int 0 */
    public static RandomGenerator fixed(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return value;
            }

            @Override
            public int nextInt(int bound) {
                return 0;
            }
        };
    }
}
