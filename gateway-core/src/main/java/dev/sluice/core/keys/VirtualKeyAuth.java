package dev.sluice.core.keys;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.api.AuthStrategy;
import dev.sluice.api.Credentials;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Accepts virtual keys. Lookups are cached in process (found and not found alike), so the
 * database is not on the request path: a change made through this replica's admin API takes
 * effect at once (the {@link KeyService} invalidates the entry); one made through another
 * replica within {@link #CACHE_TTL}.
 */
public final class VirtualKeyAuth implements AuthStrategy {

    /** How long a replica may go on using a key after another replica changed or deleted it. */
    public static final Duration CACHE_TTL = Duration.ofSeconds(10);

    private final KeyStore store;
    private final Clock clock;
    private final Cache<String, Optional<KeyRecord>> cache;

    /**
     * @param store   the keys
     * @param service the key service, whose changes invalidate cached lookups
     * @param clock   the time, for expiry
     * @param ticker  the cache's time source (tests pass a fake one)
     */
    public VirtualKeyAuth(KeyStore store, KeyService service, Clock clock, Ticker ticker) {
        this.store = store;
        this.clock = clock;
        this.cache = Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(CACHE_TTL).ticker(ticker).build();
        service.onChange(cache::invalidate);
    }

    /** @return the virtual key the call was made with, if it was made with one */
    public Optional<KeyRecord> callerKey(dev.sluice.api.CallContext context) {
        return context.principal().map(Principal::subject).filter(VirtualKeys::isToken).flatMap(this::record);
    }

    /** @return the key with this token, from the same cache as authentication */
    public Optional<KeyRecord> record(String token) {
        return cache.get(token, store::find);
    }

    @Override
    public String name() {
        return "virtual-key";
    }

    @Override
    public int weight() {
        return 500;
    }

    @Override
    public Optional<Principal> authenticate(Credentials credentials) {
        Optional<String> presented = credentials.apiKey().map(secret -> secret.value()).filter(k -> k.startsWith("sk-"));
        if (presented.isEmpty()) {
            return Optional.empty();
        }
        Optional<KeyRecord> key = record(VirtualKeys.token(presented.get()));
        if (key.isEmpty()) {
            return Optional.empty();
        }
        KeyRecord record = key.get();
        if (record.blocked()) {
            throw GatewayException.unauthenticated("Authentication Error - this key (" + record.keyName()
                    + ") is blocked. An admin can unblock it with /key/unblock.");
        }
        if (record.expiredAt(clock.instant())) {
            throw new GatewayException(ErrorKind.AUTHENTICATION, "expired_key", 401, "Authentication Error - "
                    + "expired key (" + record.keyName() + "): it expired at " + record.expires().orElseThrow()
                    + ". Ask for a new key or extend this one with /key/update.", null, null, null, null);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        record.metadata().properties().forEach(entry -> {
            if (entry.getValue().isValueNode()) {
                metadata.put(entry.getKey(), entry.getValue().asText());
            }
        });
        // A user's key acts for that user (and may manage the user's keys); a key of no user
        // may only read itself.
        Role role = record.userId().isPresent() ? Role.INTERNAL_USER : Role.INTERNAL_USER_VIEWER;
        return Optional.of(new Principal(record.token(), role, record.keyAlias(), record.userId(),
                record.teamId(), java.util.Set.copyOf(record.models()), metadata));
    }
}
