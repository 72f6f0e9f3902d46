package dev.sluice.core.limits;

import dev.sluice.testkit.ManualClock;

class InProcessRateLimiterTest extends RateLimiterTest {

    @Override
    protected RateLimiter limiter(ManualClock clock) {
        return new InProcessRateLimiter(clock);
    }
}
