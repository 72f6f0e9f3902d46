package dev.sluice.api;

import java.util.Optional;

/**
 * The gateway's virtual keys, for auth plugins to look up. Lookups are served from the host's
 * in-process cache: no database round trip on the request path. A key changed through this
 * gateway's admin API is seen at once; one changed through another replica within the host's
 * documented cache time.
 *
 * @since 1.1.0
 */
public interface KeyDirectory {

    /**
     * @param token the SHA-256 (lower-case hex) of the key presented
     * @return the stored key, if there is one
     * @throws GatewayException 503 when the key is not in the cache and the host's database cannot
     *                          be reached; let it pass, the gateway answers the caller with it
     */
    Optional<StoredKey> find(String token);
}
