package dev.sluice.plugins.routing;

import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sluice.api.DeploymentStats;
import dev.sluice.api.RoutingCandidate;
import dev.sluice.testkit.Candidates;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimpleShufflePolicyTest {

    private final SimpleShufflePolicy policy = new SimpleShufflePolicy();

    @Test
    void weightsShareTheRandomRangeByWeight() {
        RoutingCandidate a = Candidates.of("a", DeploymentStats.NONE, 1, 0, 0);
        RoutingCandidate b = Candidates.of("b", DeploymentStats.NONE, 3, 0, 0);
        assertSame(a, policy.pick(List.of(a, b), null, Candidates.fixed(0.2)), "0.2 x 4 = 0.8 falls in a's weight of 1");
        assertSame(b, policy.pick(List.of(a, b), null, Candidates.fixed(0.3)), "0.3 x 4 = 1.2 falls in b's weight");
    }

    @Test
    void withEqualWeightsRpmWeighsThenTpm() {
        RoutingCandidate small = Candidates.of("small", DeploymentStats.NONE, 1, 100, 0);
        RoutingCandidate big = Candidates.of("big", DeploymentStats.NONE, 1, 900, 0);
        assertSame(small, policy.pick(List.of(small, big), null, Candidates.fixed(0.09)), "0.09 x 1000 = 90 < 100");
        assertSame(big, policy.pick(List.of(small, big), null, Candidates.fixed(0.11)));
        RoutingCandidate lowTpm = Candidates.of("low", DeploymentStats.NONE, 1, 0, 1_000);
        RoutingCandidate highTpm = Candidates.of("high", DeploymentStats.NONE, 1, 0, 3_000);
        assertSame(highTpm, policy.pick(List.of(lowTpm, highTpm), null, Candidates.fixed(0.5)), "2000 of 4000 is past 1000");
    }
}
