package dev.sluice.core.accounts;

import java.util.Objects;
import java.util.Optional;

/**
 * The rate limits of one account; an empty one is not limited.
 *
 * @param rpm         {@code rpm_limit}: requests per minute
 * @param tpm         {@code tpm_limit}: tokens per minute
 * @param maxParallel {@code max_parallel_requests}: calls in flight at once
 */
public record RateLimits(Optional<Long> rpm, Optional<Long> tpm, Optional<Integer> maxParallel) {

    /** Rejects missing parts. */
    public RateLimits {
        Objects.requireNonNull(rpm, "rpm");
        Objects.requireNonNull(tpm, "tpm");
        Objects.requireNonNull(maxParallel, "maxParallel");
    }

    /** @return whether any limit applies */
    public boolean any() {
        return rpm.isPresent() || tpm.isPresent() || maxParallel.isPresent();
    }
}
