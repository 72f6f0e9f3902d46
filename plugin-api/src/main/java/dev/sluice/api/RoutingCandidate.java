package dev.sluice.api;

import java.util.Objects;
import java.util.Optional;

/**
 * A deployment a {@link RoutingPolicy} may pick, with its recent statistics. Every candidate the
 * gateway offers is healthy (not cooling down) and has headroom under its {@code rpm}/{@code tpm}.
 *
 * @param deployment the deployment
 * @param stats      its statistics
 * @param weight     its configured {@code weight} (1 unless set)
 * @param rpm        its configured {@code rpm} limit, 0 for none
 * @param tpm        its configured {@code tpm} limit, 0 for none
 * @param price      what it charges per token, if the gateway knows (since 1.2.0)
 */
public record RoutingCandidate(Deployment deployment, DeploymentStats stats, double weight, long rpm, long tpm,
                               Optional<TokenPrice> price) {

    /** @throws NullPointerException if a part is null */
    public RoutingCandidate {
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(price, "price");
    }

    /** A candidate whose price is unknown: the 1.0 form, kept for plugins built against it. */
    public RoutingCandidate(Deployment deployment, DeploymentStats stats, double weight, long rpm, long tpm) {
        this(deployment, stats, weight, rpm, tpm, Optional.empty());
    }
}
