package dev.sluice.api;

import java.time.Duration;
import java.util.Optional;
import org.pf4j.ExtensionPoint;

/**
 * Bytes by key with a time to live. The gateway composes backends into tiers (in process first,
 * then shared); backends hold bytes, never objects of a plugin's classes, so a plugin can be
 * reloaded without leaving stale classes in a cache.
 */
public interface CacheBackend extends ExtensionPoint {

    /** @return the {@code cache_params.type} this backend serves, e.g. {@code local}, {@code redis} */
    String type();

    /** @return the value, if present and not expired */
    Optional<byte[]> get(String key);

    /** Stores a value; a later put of the same key replaces it. */
    void put(String key, byte[] value, Duration ttl);

    /** Removes a value if present. */
    void delete(String key);
}
