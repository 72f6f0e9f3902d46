package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;
import org.pf4j.ExtensionPoint;

/**
 * Bytes by key with a time to live. The gateway composes backends into tiers (in process first,
 * then shared); backends hold bytes, never objects of a plugin's classes, so a plugin can be
 * reloaded without leaving stale classes in a cache.
 *
 * <p>Backends are thread-safe. A shared backend whose store is unreachable throws from
 * {@link #get} and {@link #put}; the gateway then answers without the cache rather than failing
 * the call.
 */
public interface CacheBackend extends ExtensionPoint {

    /** @return the {@code cache_params.type} this backend serves, e.g. {@code local}, {@code redis} */
    String type();

    /**
     * Receives {@code litellm_settings.cache_params} (with {@code REDIS_*} environment variables
     * filled in where the config leaves them out) once, before the first use.
     *
     * @param params the settings
     * @throws IllegalArgumentException naming the setting at fault
     * @since 1.2.0
     */
    default void configure(JsonNode params) {
    }

    /** @return the value, if present and not expired */
    Optional<byte[]> get(String key);

    /** Stores a value; a later put of the same key replaces it. */
    void put(String key, byte[] value, Duration ttl);

    /** Removes a value if present. */
    void delete(String key);

    /**
     * Releases connections; called once when the gateway stops.
     *
     * @since 1.2.0
     */
    default void close() {
    }
}
