package dev.sluice.core.accounts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.core.keys.CachedKeys;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Teams, users, team members, customers and budget tiers as calls need them, cached in process
 * (found and not found alike) so the database is not on the request path. A change made through
 * this replica's admin API drops the entry at once ({@link #invalidate}); one made through another
 * replica is seen within {@link #CACHE_TTL}, as for keys.
 */
public final class AccountDirectory {

    /** How long a replica may go on with a row another replica changed. */
    public static final Duration CACHE_TTL = CachedKeys.CACHE_TTL;

    private final Map<String, Function<String, Optional<ObjectNode>>> loaders;
    private final Cache<String, Optional<ObjectNode>> rows;

    /**
     * @param loaders by kind ({@code team}, {@code user}, {@code member}, {@code customer},
     *                {@code budget}), how to read one row by its id
     * @param ticker  the cache's time source (tests pass a fake one)
     */
    public AccountDirectory(Map<String, Function<String, Optional<ObjectNode>>> loaders, Ticker ticker) {
        this.loaders = Map.copyOf(loaders);
        this.rows = Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(CACHE_TTL).ticker(ticker).build();
    }

    /** @return the row of this kind and id, from the cache or the database */
    public Optional<ObjectNode> row(String kind, String id) {
        Function<String, Optional<ObjectNode>> loader = loaders.get(kind);
        if (loader == null) {
            throw new IllegalArgumentException("no such kind of account: " + kind);
        }
        return rows.get(kind + ":" + id, key -> loader.apply(id));
    }

    /** @return the budget tier a row names in {@code budget_id}, if any */
    public Optional<ObjectNode> tierOf(ObjectNode row) {
        String tier = row.path("budget_id").asText(null);
        return tier == null ? Optional.empty() : row("budget", tier);
    }

    /** Drops a cached row, named {@code kind:id}. */
    public void invalidate(String kindAndId) {
        rows.invalidate(kindAndId);
    }
}
