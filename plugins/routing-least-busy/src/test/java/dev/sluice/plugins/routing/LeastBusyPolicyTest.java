package dev.sluice.plugins.routing;

import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sluice.api.RoutingCandidate;
import dev.sluice.testkit.Candidates;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeastBusyPolicyTest {

    @Test
    void picksTheDeploymentWithTheFewestCallsInFlight() {
        RoutingCandidate busy = Candidates.of("busy", Candidates.inFlight(7), 1, 0, 0);
        RoutingCandidate idle = Candidates.of("idle", Candidates.inFlight(2), 1, 0, 0);
        RoutingCandidate busier = Candidates.of("busier", Candidates.inFlight(9), 1, 0, 0);
        assertSame(idle, new LeastBusyPolicy().pick(List.of(busy, idle, busier), null, Candidates.fixed(0.9)));
    }
}
