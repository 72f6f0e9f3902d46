package dev.sluice.core.cache;

import dev.sluice.api.CacheBackend;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache's tiers: the in-process one first, then the shared one. A first-tier hit makes no
 * call to the shared tier; a shared-tier hit is copied into the first tier. Writes go to the first
 * tier at once and to the shared one off the caller's thread. A shared tier that fails is
 * skipped (the call goes on without it), said once in the log and in {@link #sharedHealthy()},
 * and used again as soon as it answers.
 */
public final class TieredCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TieredCache.class);

    private final Optional<CacheBackend> local;
    private final Optional<CacheBackend> shared;
    private final ExecutorService writes = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicBoolean sharedDown = new AtomicBoolean();

    /**
     * @param local  the in-process tier, if a plugin provides it
     * @param shared the shared tier, if configured
     */
    public TieredCache(Optional<CacheBackend> local, Optional<CacheBackend> shared) {
        this.local = local;
        this.shared = shared;
    }

    /** A value found, and whether it came from the shared tier (so the first should be filled). */
    public record Hit(byte[] value, boolean fromShared) {
    }

    /** @return the value under the key, first tier first */
    public Optional<Hit> get(String key) {
        if (local.isPresent()) {
            Optional<byte[]> value = local.get().get(key);
            if (value.isPresent()) {
                return Optional.of(new Hit(value.get(), false));
            }
        }
        if (shared.isPresent()) {
            try {
                Optional<byte[]> value = shared.get().get(key);
                up();
                return value.map(bytes -> new Hit(bytes, true));
            } catch (RuntimeException e) {
                down(e);
            }
        }
        return Optional.empty();
    }

    /** Copies a shared-tier hit into the first tier for the rest of its life. */
    public void fillLocal(String key, byte[] value, Duration ttl) {
        local.ifPresent(cache -> cache.put(key, value, ttl));
    }

    /** Stores a value in every tier. */
    public void put(String key, byte[] value, Duration ttl) {
        local.ifPresent(cache -> cache.put(key, value, ttl));
        shared.ifPresent(cache -> writes.execute(() -> {
            try {
                cache.put(key, value, ttl);
                up();
            } catch (RuntimeException e) {
                down(e);
            }
        }));
    }

    /** @return whether there is a shared tier and it answered last time, empty without one */
    public Optional<Boolean> sharedHealthy() {
        return shared.map(cache -> !sharedDown.get());
    }

    /** @return whether any tier is configured */
    public boolean enabled() {
        return local.isPresent() || shared.isPresent();
    }

    private void down(RuntimeException e) {
        if (sharedDown.compareAndSet(false, true)) {
            LOG.warn("The shared cache ({}) failed: {}; answering from the in-process tier until it is back",
                    shared.map(CacheBackend::type).orElse("?"), e.toString(), e);
        }
    }

    private void up() {
        if (sharedDown.compareAndSet(true, false)) {
            LOG.info("The shared cache ({}) answers again", shared.map(CacheBackend::type).orElse("?"));
        }
    }

    @Override
    public void close() {
        writes.shutdown();
        local.ifPresent(CacheBackend::close);
        shared.ifPresent(CacheBackend::close);
    }
}
