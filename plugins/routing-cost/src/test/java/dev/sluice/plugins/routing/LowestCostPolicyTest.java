package dev.sluice.plugins.routing;

import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sluice.api.RoutingCandidate;
import dev.sluice.api.TokenPrice;
import dev.sluice.testkit.Candidates;
import java.util.List;
import org.junit.jupiter.api.Test;

class LowestCostPolicyTest {

    private final LowestCostPolicy policy = new LowestCostPolicy();

    @Test
    void picksTheLowestInputPlusOutputPrice() {
        RoutingCandidate cheapInput = Candidates.priced("cheap-input", new TokenPrice(1e-7, 9e-6));
        RoutingCandidate balanced = Candidates.priced("balanced", new TokenPrice(1e-6, 4e-6));
        assertSame(balanced, policy.pick(List.of(cheapInput, balanced), null, Candidates.fixed(0)));
    }

    @Test
    void anUnpricedDeploymentIsTakenOnlyWhenNothingPricedIsOffered() {
        RoutingCandidate unknown = Candidates.priced("unknown", null);
        RoutingCandidate dear = Candidates.priced("dear", new TokenPrice(1e-4, 1e-4));
        assertSame(dear, policy.pick(List.of(unknown, dear), null, Candidates.fixed(0)));
        assertSame(unknown, policy.pick(List.of(unknown), null, Candidates.fixed(0)));
    }
}
