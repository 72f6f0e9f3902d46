package dev.sluice.plugins.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.DeploymentStats;
import dev.sluice.api.RoutingCandidate;
import dev.sluice.testkit.Candidates;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class LowestLatencyPolicyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Quick to answer whole, slow to start a stream. */
    private final RoutingCandidate quickWhole = Candidates.of("quick-whole", new DeploymentStats(0, 200, 900, 0, 0), 1, 0, 0);
    /** Slow to answer whole, quick to start a stream. */
    private final RoutingCandidate quickStart = Candidates.of("quick-start", new DeploymentStats(0, 800, 100, 0, 0), 1, 0, 0);

    @Test
    void wholeAnswersGoWhereLatencyIsLowestAndStreamsWhereTheFirstTokenComesSoonest() {
        LowestLatencyPolicy policy = new LowestLatencyPolicy();
        assertSame(quickWhole, policy.pick(List.of(quickWhole, quickStart), Candidates.chat(false), Candidates.fixed(0)));
        assertSame(quickStart, policy.pick(List.of(quickWhole, quickStart), Candidates.chat(true), Candidates.fixed(0)));
    }

    @Test
    void anUntimedDeploymentIsTriedFirst() {
        RoutingCandidate untimed = Candidates.of("new", DeploymentStats.NONE, 1, 0, 0);
        assertSame(untimed, new LowestLatencyPolicy().pick(List.of(quickWhole, untimed), Candidates.chat(false),
                Candidates.fixed(0)));
    }

    @Test
    void theBufferSpreadsCallsOverDeploymentsNearTheFastest() throws Exception {
        RoutingCandidate near = Candidates.of("near", new DeploymentStats(0, 210, 0, 0, 0), 1, 0, 0);
        RoutingCandidate far = Candidates.of("far", new DeploymentStats(0, 400, 0, 0, 0), 1, 0, 0);
        LowestLatencyPolicy policy = new LowestLatencyPolicy();
        policy.configure(JSON.readTree("{\"lowest_latency_buffer\": 0.1}"));
        RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
        int nearPicks = 0;
        for (int i = 0; i < 200; i++) {
            RoutingCandidate picked = policy.pick(List.of(quickWhole, near, far), Candidates.chat(false), random);
            assertEquals(false, picked == far, "400 ms is not within 10% of 200 ms");
            nearPicks += picked == near ? 1 : 0;
        }
        assertEquals(true, nearPicks > 0 && nearPicks < 200, "210 ms is within 10% of 200 ms: " + nearPicks);
    }

    @Test
    void aBadBufferIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LowestLatencyPolicy().configure(JSON.readTree("{\"lowest_latency_buffer\": \"lots\"}")));
        assertEquals("lowest_latency_buffer must be a number of 0 or more, e.g. 0.1", e.getMessage());
    }
}
