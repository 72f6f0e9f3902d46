package dev.sluice.core.accounts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.core.store.Database;
import dev.sluice.core.store.RowCache;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Teams, users, team members, customers and budget tiers as calls need them, held in process
 * ({@link RowCache}) so the database is not on the request path and an outage of minutes does not
 * stop calls. A change made through this replica's admin API drops the entry at once
 * ({@link #invalidate}); one made through another replica is seen at once through Redis, else
 * within {@link RowCache#REFRESH}, as for keys.
 */
public final class AccountDirectory {

    private final Map<String, Function<String, Optional<ObjectNode>>> loaders;
    private final RowCache<ObjectNode> rows;

    /**
     * @param database where the rows are
     * @param loaders by kind ({@code team}, {@code user}, {@code member}, {@code customer},
     *                {@code budget}), how to read one row by its id
     * @param ticker  the cache's time source (tests pass a fake one)
     */
    public AccountDirectory(Database database, Map<String, Function<String, Optional<ObjectNode>>> loaders,
                            Ticker ticker) {
        this.loaders = Map.copyOf(loaders);
        this.rows = new RowCache<>(database, this::load, ticker);
    }

    private Optional<ObjectNode> load(String kindAndId) {
        int colon = kindAndId.indexOf(':');
        return loaders.get(kindAndId.substring(0, colon)).apply(kindAndId.substring(colon + 1));
    }

    /** @return the row of this kind and id, from the cache or the database */
    public Optional<ObjectNode> row(String kind, String id) {
        if (!loaders.containsKey(kind)) {
            throw new IllegalArgumentException("no such kind of account: " + kind);
        }
        return rows.get(kind + ":" + id);
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
