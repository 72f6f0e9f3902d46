package dev.sluice.core.limits;

import dev.sluice.api.GatewayException;
import dev.sluice.core.accounts.RateLimits;
import dev.sluice.core.routing.SharedLoad;
import java.util.Optional;

/** Deployments counted in a shared {@link RateLimiter} (Redis's), as subjects {@code deployment:<id>}. */
public final class SharedDeploymentLoad implements SharedLoad {

    private final RateLimiter limiter;

    /** @param limiter the limiter every replica shares */
    public SharedDeploymentLoad(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public Optional<Admission> admit(String deploymentId, long rpm, long tpm) {
        RateLimiter.Permit permit;
        try {
            permit = limiter.admit("deployment:" + deploymentId, "Deployment " + deploymentId,
                    new RateLimits(limit(rpm), limit(tpm), Optional.empty()));
        } catch (GatewayException full) {
            return Optional.empty();
        }
        long requests = used(rpm, permit.remainingRequests());
        long tokens = used(tpm, permit.remainingTokens());
        return Optional.of(new Admission() {
            @Override
            public long requests() {
                return requests;
            }

            @Override
            public long tokens() {
                return tokens;
            }

            @Override
            public long inFlight() {
                return permit.inFlight();
            }

            @Override
            public void finish(long used) {
                permit.finish(used);
            }
        });
    }

    private static Optional<Long> limit(long value) {
        return value > 0 ? Optional.of(value) : Optional.empty();
    }

    private static long used(long limit, long remaining) {
        return limit > 0 && remaining >= 0 ? limit - remaining : -1;
    }
}
