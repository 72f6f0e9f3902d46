package dev.sluice.core.keys;

import dev.sluice.core.config.TimeSpan;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored virtual key, as {@code sluice_keys} holds it. Never holds the key itself.
 *
 * @param token               SHA-256 hex of the key
 * @param keyName             the key's abbreviation, e.g. {@code sk-...x9Qa}
 * @param keyAlias            {@code key_alias}
 * @param userId              the owning internal user
 * @param teamId              the owning team
 * @param models              model groups it may use; empty means all
 * @param aliases             model name aliases for this key
 * @param permissions         free-form permissions
 * @param metadata            free-form metadata
 * @param maxBudget           {@code max_budget} in USD
 * @param softBudget          {@code soft_budget} in USD
 * @param spend               spend so far in USD
 * @param budgetDuration      how often the budget resets
 * @param budgetResetAt       when it next resets
 * @param tpmLimit            tokens per minute
 * @param rpmLimit            requests per minute
 * @param maxParallelRequests calls in flight at once
 * @param expires             when the key stops working
 * @param blocked             whether it is blocked
 * @param createdBy           who created it
 * @param createdAt           when
 * @param updatedAt           when last changed
 */
public record KeyRecord(String token, String keyName, Optional<String> keyAlias, Optional<String> userId,
                        Optional<String> teamId, List<String> models, Map<String, String> aliases,
                        ObjectNode permissions, ObjectNode metadata, Optional<BigDecimal> maxBudget,
                        Optional<BigDecimal> softBudget, BigDecimal spend, Optional<TimeSpan> budgetDuration,
                        Optional<Instant> budgetResetAt, Optional<Long> tpmLimit, Optional<Long> rpmLimit,
                        Optional<Integer> maxParallelRequests, Optional<Instant> expires, boolean blocked,
                        Optional<String> createdBy, Instant createdAt, Instant updatedAt) {

    /** Copies the collections and rejects missing parts. */
    public KeyRecord {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(keyName, "keyName");
        models = List.copyOf(models);
        aliases = Map.copyOf(aliases);
        Objects.requireNonNull(permissions, "permissions");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(spend, "spend");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** @return whether the key has expired at the given time */
    public boolean expiredAt(Instant now) {
        return expires.map(at -> !now.isBefore(at)).orElse(false);
    }
}
