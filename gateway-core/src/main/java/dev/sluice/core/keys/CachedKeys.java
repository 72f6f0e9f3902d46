package dev.sluice.core.keys;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.api.KeyDirectory;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.api.StoredKey;
import dev.sluice.core.store.RowCache;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The virtual keys, as auth plugins look them up ({@link KeyDirectory}) and the gateway's own
 * stages read them. Lookups are held in process ({@link RowCache}, found and not found alike),
 * so the database is not on the request path and keys in use keep working through an outage of
 * minutes: a change made through this replica's admin API takes effect at once (the
 * {@link KeyService} invalidates the entry); one made through another replica at once through
 * Redis, else within {@link RowCache#REFRESH}.
 */
public final class CachedKeys implements KeyDirectory {

    private final RowCache<Entry> cache;

    /** A key as loaded, with the form auth plugins read, converted once per load rather than per call. */
    private record Entry(KeyRecord record, StoredKey stored) {
    }

    /**
     * @param store   the keys
     * @param service the key service, whose changes invalidate cached lookups
     * @param ticker  the cache's time source (tests pass a fake one)
     */
    public CachedKeys(KeyStore store, KeyService service, Ticker ticker) {
        this.cache = new RowCache<>(store.database(), token -> store.find(token).map(record -> new Entry(record,
                stored(record, record.userId().flatMap(store::userRole)))), ticker);
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
        return cache.get(token);
    }

    /**
     * A user's key acts for that user with the user's {@code user_role}, as in LiteLLM: a
     * proxy_admin's key is an admin's, a viewer's may only read. A key whose user_id names no user
     * (LiteLLM allows it) acts as an internal_user; a key of no user may only read itself.
     */
    private static StoredKey stored(KeyRecord record, Optional<String> userRole) {
        Map<String, String> metadata = new LinkedHashMap<>();
        record.metadata().properties().forEach(entry -> {
            if (entry.getValue().isValueNode()) {
                metadata.put(entry.getKey(), entry.getValue().asText());
            } else { // a list (e.g. guardrails) or an object, as JSON text
                metadata.put(entry.getKey(), entry.getValue().toString());
            }
        });
        Role role = record.userId().isEmpty() ? Role.INTERNAL_USER_VIEWER
                : userRole.map(CachedKeys::role).orElse(Role.INTERNAL_USER);
        return new StoredKey(record.token(), record.keyName(), record.keyAlias(), record.userId(), record.teamId(),
                java.util.Set.copyOf(record.models()), metadata, role, record.blocked(), record.expires());
    }

    /** @return the role of a user_role; LiteLLM's others (team, customer) may only read */
    private static Role role(String userRole) {
        for (Role role : Role.values()) {
            if (role.wireName().equals(userRole)) {
                return role;
            }
        }
        return Role.INTERNAL_USER_VIEWER;
    }
}
