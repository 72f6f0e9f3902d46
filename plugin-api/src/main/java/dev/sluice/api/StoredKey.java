package dev.sluice.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A virtual key as the gateway stores it, for auth plugins: never the key itself, only its hash.
 *
 * @param token    the SHA-256 (lower-case hex) of the key
 * @param keyName  its abbreviation for messages, e.g. {@code sk-...x9Qa}
 * @param keyAlias its {@code key_alias}
 * @param userId   the internal user it belongs to
 * @param teamId   the team it belongs to
 * @param models   the model groups (or access groups) it may use; empty means all
 * @param metadata its metadata's plain values
 * @param role     what a caller with it may do on the admin API (its user's role, for a user's key)
 * @param blocked  whether it is blocked
 * @param expires  when it stops working
 * @since 1.1.0
 */
public record StoredKey(String token, String keyName, Optional<String> keyAlias, Optional<String> userId,
                        Optional<String> teamId, Set<String> models, Map<String, String> metadata, Role role,
                        boolean blocked, Optional<Instant> expires) {

    /** Copies the collections and rejects missing parts. */
    public StoredKey {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(keyName, "keyName");
        Objects.requireNonNull(keyAlias, "keyAlias");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(teamId, "teamId");
        models = Set.copyOf(models);
        metadata = Map.copyOf(metadata);
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(expires, "expires");
    }

    /** @return whether the key has expired at the given time */
    public boolean expiredAt(Instant now) {
        return expires.map(at -> !now.isBefore(at)).orElse(false);
    }
}
