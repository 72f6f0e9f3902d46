package dev.sluice.plugins.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.api.CacheBackend;
import java.time.Duration;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * The in-process tier ({@code cache_params.type: local}, and the first tier in front of a shared
 * one): Caffeine, bounded to {@code max_size_in_memory} entries ({@value #DEFAULT_MAX_ENTRIES}
 * unless set), each kept for its own time to live.
 */
@Extension
public final class LocalCache implements CacheBackend {

    static final long DEFAULT_MAX_ENTRIES = 10_000;

    private final Ticker ticker;
    private volatile Cache<String, Entry> entries;

    /** A cache on the system clock. */
    public LocalCache() {
        this(Ticker.systemTicker());
    }

    LocalCache(Ticker ticker) {
        this.ticker = ticker;
        this.entries = build(DEFAULT_MAX_ENTRIES);
    }

    @Override
    public String type() {
        return "local";
    }

    @Override
    public void configure(JsonNode params) {
        JsonNode max = params.path("max_size_in_memory");
        if (max.isMissingNode() || max.isNull()) {
            return;
        }
        if (!max.canConvertToLong() || max.asLong() <= 0) {
            throw new IllegalArgumentException("max_size_in_memory must be a whole number of entries above 0");
        }
        entries = build(max.asLong());
    }

    @Override
    public Optional<byte[]> get(String key) {
        Entry entry = entries.getIfPresent(key);
        return entry == null ? Optional.empty() : Optional.of(entry.value());
    }

    @Override
    public void put(String key, byte[] value, Duration ttl) {
        entries.put(key, new Entry(value, Math.max(1, ttl.toNanos())));
    }

    @Override
    public void delete(String key) {
        entries.invalidate(key);
    }

    /** @return how many entries are held, after evictions due have run */
    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    private Cache<String, Entry> build(long maxEntries) {
        return Caffeine.newBuilder().maximumSize(maxEntries).ticker(ticker).expireAfter(new Expiry<String, Entry>() {
            @Override
            public long expireAfterCreate(String key, Entry entry, long currentTime) {
                return entry.ttlNanos();
            }

            @Override
            public long expireAfterUpdate(String key, Entry entry, long currentTime, long currentDuration) {
                return entry.ttlNanos();
            }

            @Override
            public long expireAfterRead(String key, Entry entry, long currentTime, long currentDuration) {
                return currentDuration;
            }
        }).build();
    }

    private record Entry(byte[] value, long ttlNanos) {
    }
}
