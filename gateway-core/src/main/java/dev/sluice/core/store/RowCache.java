package dev.sluice.core.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Rows the request path reads (keys, teams, users, customers, tiers), held in process so the
 * database is off the path: a row is read again when it is older than {@link #REFRESH} and the
 * database is up; while the database is down, what is held is served for up to
 * {@link #STALE_LIMIT}, and a row not held fails at once with a 503 rather than waiting on the
 * connection pool. Rows found and rows not found are held alike.
 *
 * @param <V> the row
 */
public final class RowCache<V> {

    /** How old a held row may be before a call reads it again, when the database is up. */
    public static final Duration REFRESH = Duration.ofSeconds(10);

    /** How long a row is served unrefreshed while the database is down. */
    public static final Duration STALE_LIMIT = Duration.ofMinutes(10);

    private record Held<V>(Optional<V> row, long loadedAt) {
    }

    private final Database database;
    private final Function<String, Optional<V>> loader;
    private final Ticker ticker;
    private final Cache<String, Held<V>> rows;
    private final ReentrantLock[] loading = new ReentrantLock[64];
    /** Counts invalidations, so a read that raced one is not kept (it may predate the change). */
    private final AtomicLong changes = new AtomicLong();

    /**
     * @param database the database the rows come from, whose availability decides what a miss does
     * @param loader   reads one row by its id
     * @param ticker   the time source (tests pass a fake one)
     */
    public RowCache(Database database, Function<String, Optional<V>> loader, Ticker ticker) {
        this.database = database;
        this.loader = loader;
        this.ticker = ticker;
        this.rows = Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(STALE_LIMIT).ticker(ticker).build();
        for (int i = 0; i < loading.length; i++) {
            loading[i] = new ReentrantLock();
        }
    }

    /**
     * @return the row with this id, as held or as read now
     * @throws GatewayException 503 when it is not held and the database cannot be reached
     */
    public Optional<V> get(String id) {
        Held<V> held = rows.getIfPresent(id);
        if (held != null && (fresh(held) || !database.available())) {
            return held.row();
        }
        if (held == null && !database.available()) {
            throw unavailable();
        }
        // Read under a lock of the id's stripe, not inside the map's compute: a database that
        // stalls must not hold a map bin (and, before JDK 24, a carrier thread) while it does.
        ReentrantLock lock = loading[Math.floorMod(id.hashCode(), loading.length)];
        lock.lock();
        try {
            Held<V> current = rows.getIfPresent(id);
            if (current != null && (fresh(current) || !database.available())) {
                return current.row(); // read by another call meanwhile, or the database went down meanwhile
            }
            if (current == null && !database.available()) {
                throw unavailable();
            }
            long changesBefore = changes.get();
            Held<V> loaded;
            try {
                loaded = new Held<>(loader.apply(id), ticker.read());
            } catch (RuntimeException e) {
                if (!database.failedToConnect(e)) {
                    throw e;
                }
                if (current != null) {
                    return current.row();
                }
                throw unavailable();
            }
            rows.asMap().compute(id, (key, now) -> changes.get() == changesBefore ? loaded : now);
            return loaded.row();
        } finally {
            lock.unlock();
        }
    }

    private boolean fresh(Held<V> held) {
        return ticker.read() - held.loadedAt() < REFRESH.toNanos();
    }

    /** Drops a held row, so the next call reads it afresh: after it changed. */
    public void invalidate(String id) {
        changes.incrementAndGet();
        rows.invalidate(id);
    }

    private static GatewayException unavailable() {
        return new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, "service_unavailable", 503,
                "The gateway's database cannot be reached, and this key or account has not been used on this "
                        + "replica recently, so it cannot be checked. Keys in use keep working; retry when the database "
                        + "is back.", null, "database_unavailable", Duration.ofSeconds(5), null);
    }
}
