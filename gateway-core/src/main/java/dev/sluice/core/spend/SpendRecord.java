package dev.sluice.core.spend;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One call's spend, as a row of {@code sluice_spend_logs}. Nullable fields are null where the call
 * had no such thing (no key, no team, no deployment reached).
 *
 * @param requestId        the call id
 * @param keyToken         the key's token, or null (master key)
 * @param keyAlias         the key's alias
 * @param userId           the internal user
 * @param teamId           the team
 * @param endUser          the request's {@code user}
 * @param callType         chat, text_completion or embedding
 * @param model            the upstream model
 * @param modelGroup       the model group asked for
 * @param modelId          the deployment id
 * @param apiBase          the deployment's api_base
 * @param status           success, failure or cancelled
 * @param promptTokens     prompt tokens
 * @param completionTokens completion tokens
 * @param cachedTokens     cached prompt tokens
 * @param spend            the cost in USD
 * @param cacheHit         whether the answer came from the gateway's cache
 * @param startTime        when the call arrived
 * @param endTime          when it ended
 */
public record SpendRecord(String requestId, String keyToken, String keyAlias, String userId, String teamId,
                          String endUser, String callType, String model, String modelGroup, String modelId,
                          String apiBase, String status, long promptTokens, long completionTokens, long cachedTokens,
                          BigDecimal spend, boolean cacheHit, Instant startTime, Instant endTime) {

    /** @throws NullPointerException for a missing id, call type, status, spend or time */
    public SpendRecord {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(callType, "callType");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(spend, "spend");
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(endTime, "endTime");
    }
}
