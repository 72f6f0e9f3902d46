package dev.sluice.core.keys;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.api.KeyDirectory;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.api.StoredKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The virtual keys, as auth plugins look them up ({@link KeyDirectory}) and the gateway's own
 * stages read them. Lookups are cached in process (found and not found alike), so the database
 * is not on the request path: a change made through this replica's admin API takes
 * effect at once (the {@link KeyService} invalidates the entry); one made through another
 * replica within {@link #CACHE_TTL}.
 */
public final class CachedKeys implements KeyDirectory {

    /** How long a replica may go on using a key after another replica changed or deleted it. */
    public static final Duration CACHE_TTL = Duration.ofSeconds(10);

    private final KeyStore store;
    private final Cache<String, Optional<Entry>> cache;

    /** A key as loaded, with the form auth plugins read, converted once per load rather than per call. */
    private record Entry(KeyRecord record, StoredKey stored) {
    }

    /**
     * @param store   the keys
     * @param service the key service, whose changes invalidate cached lookups
     * @param ticker  the cache's time source (tests pass a fake one)
     */
    public CachedKeys(KeyStore store, KeyService service, Ticker ticker) {
        this.store = store;
        this.cache = Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(CACHE_TTL).ticker(ticker).build();
        service.onChange(cache::invalidate);
    }

    /** Drops what is cached of a key, so its next use reads it afresh: after another replica changed it. */
    public void invalidate(String token) {
        cache.invalidate(token);
    }

    /** @return the virtual key the call was made with, if it was made with one */
    public Optional<KeyRecord> callerKey(dev.sluice.api.CallContext context) {
        return context.principal().map(Principal::subject).filter(VirtualKeys::isToken).flatMap(this::record);
    }

    /** @return the key with this token, from the same cache as authentication */
    public Optional<KeyRecord> record(String token) {
        return entry(token).map(Entry::record);
    }

    @Override
    public Optional<StoredKey> find(String token) {
        return entry(token).map(Entry::stored);
    }

    private Optional<Entry> entry(String token) {
        return cache.get(token, t -> store.find(t).map(record -> new Entry(record, stored(record))));
    }

    /**
     * A user's key acts for that user (and may manage the user's keys); a key of no user may only
     * read itself.
     */
    private static StoredKey stored(KeyRecord record) {
        Map<String, String> metadata = new LinkedHashMap<>();
        record.metadata().properties().forEach(entry -> {
            if (entry.getValue().isValueNode()) {
                metadata.put(entry.getKey(), entry.getValue().asText());
            }
        });
        Role role = record.userId().isPresent() ? Role.INTERNAL_USER : Role.INTERNAL_USER_VIEWER;
        return new StoredKey(record.token(), record.keyName(), record.keyAlias(), record.userId(), record.teamId(),
                java.util.Set.copyOf(record.models()), metadata, role, record.blocked(), record.expires());
    }
}
