package dev.sluice.plugins.routing;

import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sluice.api.DeploymentStats;
import dev.sluice.api.RoutingCandidate;
import dev.sluice.testkit.Candidates;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageBasedPolicyTest {

    private final UsageBasedPolicy policy = new UsageBasedPolicy();

    @Test
    void picksTheLargestShareOfTpmLeftNotTheFewestTokens() {
        // 50k of 100k used (half left) beats 9k of 10k used (a tenth left), though it used more.
        RoutingCandidate big = Candidates.of("big", new DeploymentStats(0, 0, 0, 10, 50_000), 1, 0, 100_000);
        RoutingCandidate small = Candidates.of("small", new DeploymentStats(0, 0, 0, 1, 9_000), 1, 0, 10_000);
        assertSame(big, policy.pick(List.of(small, big), null, Candidates.fixed(0)));
    }

    @Test
    void withRpmLimitsOnlyTheShareOfRequestsLeftDecides() {
        RoutingCandidate a = Candidates.of("a", new DeploymentStats(0, 0, 0, 90, 0), 1, 100, 0);
        RoutingCandidate b = Candidates.of("b", new DeploymentStats(0, 0, 0, 300, 0), 1, 1_000, 0);
        assertSame(b, policy.pick(List.of(a, b), null, Candidates.fixed(0)));
    }

    @Test
    void withoutLimitsTheFewestTokensUsedWins() {
        RoutingCandidate a = Candidates.of("a", new DeploymentStats(0, 0, 0, 1, 5_000), 1, 0, 0);
        RoutingCandidate b = Candidates.of("b", new DeploymentStats(0, 0, 0, 9, 800), 1, 0, 0);
        assertSame(b, policy.pick(List.of(a, b), null, Candidates.fixed(0)));
    }
}
