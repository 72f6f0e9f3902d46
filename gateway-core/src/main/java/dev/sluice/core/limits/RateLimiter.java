package dev.sluice.core.limits;

import dev.sluice.api.GatewayException;
import dev.sluice.core.accounts.RateLimits;

/**
 * Requests and tokens per minute and calls in flight, per limited account (a key, team, user,
 * team member or customer): {@link InProcessRateLimiter} on one node, {@link RedisRateLimiter}
 * shared by every replica, {@link FailoverRateLimiter} to go on counting when Redis fails.
 */
public interface RateLimiter {

    /**
     * @param subject the limited subject, e.g. {@code key:<token>}
     * @param what    the subject in words, for the error
     * @param limits  its limits
     * @return the permit
     * @throws GatewayException 429 with {@code retry-after} when a limit is reached
     */
    Permit admit(String subject, String what, RateLimits limits);

    /** A call admitted: finish or cancel it exactly once. */
    interface Permit {

        /** @return requests left in this minute after this one, or -1 without an rpm limit */
        long remainingRequests();

        /** @return tokens left in this minute as the call started, or -1 without a tpm limit */
        long remainingTokens();

        /** @return the subject's calls in flight as this one was admitted, this one included */
        long inFlight();

        /**
         * Takes the admission back, as if the call had not been made: when another account of
         * the same call refused it.
         */
        void cancel();

        /** Counts the call's tokens and frees its parallel slot. */
        void finish(long tokens);
    }
}
