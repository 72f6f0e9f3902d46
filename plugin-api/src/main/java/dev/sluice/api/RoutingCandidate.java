package dev.sluice.api;

import java.util.Objects;

/**
 * A deployment a {@link RoutingPolicy} may pick, with its recent statistics.
 *
 * @param deployment the deployment
 * @param stats      its statistics
 * @param weight     its configured {@code weight} (1 unless set)
 * @param rpm        its configured {@code rpm} limit, 0 for none
 * @param tpm        its configured {@code tpm} limit, 0 for none
 */
public record RoutingCandidate(Deployment deployment, DeploymentStats stats, double weight, long rpm, long tpm) {

    /** @throws NullPointerException if a part is null */
    public RoutingCandidate {
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(stats, "stats");
    }
}
