package dev.sluice.core.spend;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One call's spend, as a row of {@code sluice_spend_logs}. Nullable fields are null where the call
 * had no such thing (no key, no team, no deployment reached).
 *
 * <p>Every field is made storable as the record is made: control characters (NUL among them,
 * which PostgreSQL refuses in text) are dropped, text is cut to its column's length, counts and
 * spend are held to the columns' ranges. So a hostile request field cannot make a record the
 * database refuses, and with it every batch after it.
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
 * @param status           success, failure, cancelled or interrupted (a stream cut after it began)
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

    /** The most a spend column holds: {@code numeric(20, 10)}. */
    private static final BigDecimal MAX_SPEND = new BigDecimal("9999999999");

    /** @throws NullPointerException for a missing id, call type, status, spend or time */
    public SpendRecord {
        requestId = storable(Objects.requireNonNull(requestId, "requestId"), 64);
        keyToken = storable(keyToken, 64);
        keyAlias = storable(keyAlias, 256);
        userId = storable(userId, 128);
        teamId = storable(teamId, 64);
        endUser = storable(endUser, 256);
        callType = storable(Objects.requireNonNull(callType, "callType"), 32);
        model = storable(model, 256);
        modelGroup = storable(modelGroup, 256);
        modelId = storable(modelId, 128);
        apiBase = storable(apiBase, 1024);
        status = storable(Objects.requireNonNull(status, "status"), 16);
        promptTokens = Math.max(0, promptTokens);
        completionTokens = Math.max(0, completionTokens);
        cachedTokens = Math.max(0, cachedTokens);
        spend = Objects.requireNonNull(spend, "spend").max(BigDecimal.ZERO).min(MAX_SPEND);
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(endTime, "endTime");
    }

    /** @return the text without control characters, at most {@code length} characters long */
    static String storable(String text, int length) {
        if (text == null) {
            return null;
        }
        StringBuilder kept = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !wholePair(text, i);
            if (control && kept == null) {
                kept = new StringBuilder(text.length()).append(text, 0, i);
            } else if (!control && kept != null) {
                kept.append(c);
            }
        }
        String clean = kept == null ? text : kept.toString();
        return clean.length() <= length ? clean : clean.substring(0, Character.isHighSurrogate(clean.charAt(length - 1))
                ? length - 1 : length);
    }

    private static boolean wholePair(String text, int i) {
        char c = text.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }
}
