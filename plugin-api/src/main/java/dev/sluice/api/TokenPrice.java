package dev.sluice.api;

/**
 * What a deployment charges per token, in USD, as the gateway's price book or the deployment's
 * {@code model_info} states it.
 *
 * @param inputPerToken  per prompt token
 * @param outputPerToken per completion token
 * @since 1.2.0
 */
public record TokenPrice(double inputPerToken, double outputPerToken) {

    /** @throws IllegalArgumentException if a price is negative or not a number */
    public TokenPrice {
        if (!(inputPerToken >= 0) || !(outputPerToken >= 0)) {
            throw new IllegalArgumentException("token prices must be 0 or more");
        }
    }
}
