package dev.sluice.core.config;

import dev.sluice.api.Deployment;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One {@code model_list} entry: the deployment handed to provider plugins, plus the settings
 * only the router reads.
 *
 * @param deployment the deployment
 * @param rpm        {@code rpm}: requests per minute it may take, 0 for no limit
 * @param tpm        {@code tpm}: tokens per minute it may take, 0 for no limit
 * @param weight     {@code weight} for weighted routing, 1 unless set
 * @param maxRetries {@code max_retries}, if set
 * @param order      {@code order}: lower is tried first, {@link Integer#MAX_VALUE} unless set
 * @param tls        its own {@code ssl_verify}/{@code ssl_certfile}/{@code ssl_keyfile}, if any
 */
public record DeploymentConfig(Deployment deployment, long rpm, long tpm, double weight, OptionalInt maxRetries,
                               int order, UpstreamTls tls) {

    /** @throws NullPointerException if a part is null */
    public DeploymentConfig {
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(maxRetries, "maxRetries");
        Objects.requireNonNull(tls, "tls");
    }
}
