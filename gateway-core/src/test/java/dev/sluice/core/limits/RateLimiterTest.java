package dev.sluice.core.limits;

import dev.sluice.core.accounts.RateLimits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every rate limiter does, in process or in Redis; each has a subclass that supplies it. */
abstract class RateLimiterTest {

    protected final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T10:00:15Z"));
    private RateLimiter limiter;

    @BeforeEach
    void createLimiter() {
        limiter = limiter(clock);
    }

    /** @return the limiter under test, on this clock */
    protected abstract RateLimiter limiter(ManualClock clock);

    static RateLimits limits(Long rpm, Long tpm, Integer parallel) {
        return new RateLimits(Optional.ofNullable(rpm), Optional.ofNullable(tpm), Optional.ofNullable(parallel));
    }

    @Test
    void requestsPerMinuteAreCountedInMinuteWindowsWithTheWaitInRetryAfter() {
        for (int i = 0; i < 3; i++) {
            RateLimiter.Permit permit = limiter.admit("k", "key k", limits(3L, null, null));
            assertEquals(2 - i, permit.remainingRequests());
            permit.finish(0);
        }
        GatewayException e = assertThrows(GatewayException.class, () -> limiter.admit("k", "key k", limits(3L, null, null)));
        assertEquals(429, e.status());
        assertEquals(ErrorKind.RATE_LIMITED, e.kind());
        assertEquals(Duration.ofSeconds(45), e.retryAfter().orElseThrow());
        clock.advance(Duration.ofSeconds(45));
        limiter.admit("k", "key k", limits(3L, null, null)).finish(0);
    }

    @Test
    void tokensPerMinuteCountWhatFinishedCallsUsed() {
        limiter.admit("k", "key k", limits(null, 100L, null)).finish(60);
        RateLimiter.Permit second = limiter.admit("k", "key k", limits(null, 100L, null));
        assertEquals(40, second.remainingTokens());
        second.finish(50);
        assertTrue(assertThrows(GatewayException.class, () -> limiter.admit("k", "key k", limits(null, 100L, null)))
                .getMessage().contains("tpm_limit"));
    }

    @Test
    void parallelCallsAreCappedUntilOneFinishes() {
        RateLimiter.Permit first = limiter.admit("k", "key k", limits(null, null, 2));
        assertEquals(1, first.inFlight());
        assertEquals(2, limiter.admit("k", "key k", limits(null, null, 2)).inFlight(), "each permit counts itself");
        assertThrows(GatewayException.class, () -> limiter.admit("k", "key k", limits(null, null, 2)));
        first.finish(0);
        first.finish(0);
        assertEquals(2, limiter.admit("k", "key k", limits(null, null, 2)).inFlight());
        assertThrows(GatewayException.class, () -> limiter.admit("k", "key k", limits(null, null, 2)),
                "finishing twice frees one slot only");
    }

    @Test
    void subjectsAreCountedApart() {
        limiter.admit("a", "key a", limits(1L, null, null));
        limiter.admit("b", "key b", limits(1L, null, null));
        assertThrows(GatewayException.class, () -> limiter.admit("a", "key a", limits(1L, null, null)));
    }

    @Test
    void aCancelledAdmissionGivesItsRequestAndSlotBack() {
        RateLimiter.Permit kept = limiter.admit("k", "key k", limits(2L, null, 2));
        RateLimiter.Permit cancelled = limiter.admit("k", "key k", limits(2L, null, 2));
        cancelled.cancel();
        cancelled.cancel();
        RateLimiter.Permit again = limiter.admit("k", "key k", limits(2L, null, 2));
        assertEquals(0, again.remainingRequests(), "the cancelled call does not count against rpm_limit");
        assertThrows(GatewayException.class, () -> limiter.admit("k", "key k", limits(2L, null, 2)));
        kept.finish(0);
        again.finish(0);
    }
}
