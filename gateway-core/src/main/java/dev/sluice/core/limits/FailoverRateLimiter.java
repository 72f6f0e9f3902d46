package dev.sluice.core.limits;

import dev.sluice.api.GatewayException;
import dev.sluice.core.accounts.RateLimits;

/**
 * Counts in Redis while it answers, in process while it does not: a Redis failure never fails a
 * call. While Redis is down each replica enforces the limits alone (so together they may admit
 * up to one limit per replica); the shared counts take over again on the next call after it is
 * back.
 */
public final class FailoverRateLimiter implements RateLimiter {

    private final RateLimiter shared;
    private final RateLimiter local;

    /**
     * @param shared the Redis-backed limiter
     * @param local  the in-process one
     */
    public FailoverRateLimiter(RateLimiter shared, RateLimiter local) {
        this.shared = shared;
        this.local = local;
    }

    @Override
    public Permit admit(String subject, String what, RateLimits limits) {
        try {
            return shared.admit(subject, what, limits);
        } catch (GatewayException refused) {
            throw refused;
        } catch (RuntimeException redisFailed) {
            return local.admit(subject, what, limits);
        }
    }
}
