package dev.sluice.api;

import java.util.Objects;
import java.util.Optional;

/**
 * What a caller presented, for an {@link AuthStrategy} to judge.
 *
 * @param apiKey        the key from whichever header carried it ({@code Authorization: Bearer},
 *                      {@code API-Key}, {@code x-api-key}, {@code x-litellm-api-key},
 *                      {@code x-goog-api-key}), if any
 * @param headers       the request's headers, for strategies that read others (e.g. a JWT)
 * @param clientAddress the caller's IP address
 */
public record Credentials(Optional<Secret> apiKey, Headers headers, String clientAddress) {

    /** @throws NullPointerException if a part is null */
    public Credentials {
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(clientAddress, "clientAddress");
    }
}
