package dev.sluice.core.limits;

import dev.sluice.api.CallContext;
import dev.sluice.api.FilterSlot;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelResult;
import dev.sluice.core.keys.KeyRecord;
import dev.sluice.core.keys.VirtualKeyAuth;
import dev.sluice.core.pipeline.CallEnd;
import dev.sluice.core.spend.SpendFilter;
import java.util.Optional;

/**
 * Applies a key's {@code rpm_limit}, {@code tpm_limit} and {@code max_parallel_requests}: a call
 * over a limit gets 429 with {@code retry-after}; an admitted one carries LiteLLM's
 * {@code x-ratelimit-*} headers. Tokens are counted when the call ends (streams on close), from
 * the usage the spend stage inside it read.
 */
public final class RateLimitFilter implements GatewayFilter {

    private final VirtualKeyAuth keys;
    private final RateLimiter limiter;

    /**
     * @param keys    the key lookups (cached)
     * @param limiter the counters
     */
    public RateLimitFilter(VirtualKeyAuth keys, RateLimiter limiter) {
        this.keys = keys;
        this.limiter = limiter;
    }

    @Override
    public String name() {
        return "rate-limit";
    }

    @Override
    public FilterSlot slot() {
        return FilterSlot.ADMIT;
    }

    @Override
    public int weight() {
        return 700;
    }

    @Override
    public ModelResult intercept(Chain chain) {
        Optional<KeyRecord> key = keys.callerKey(chain.context());
        RateLimiter.Limits limits = key.map(k -> new RateLimiter.Limits(k.rpmLimit(), k.tpmLimit(),
                k.maxParallelRequests())).orElse(null);
        if (limits == null || !limits.any()) {
            return chain.proceed(chain.request());
        }
        RateLimiter.Permit permit = limiter.admit("key:" + key.get().token(), "key " + key.get().keyName(), limits);
        CallContext context = chain.context();
        limits.rpm().ifPresent(rpm -> {
            context.responseHeader("x-ratelimit-limit-requests", Long.toString(rpm));
            context.responseHeader("x-ratelimit-remaining-requests", Long.toString(permit.remainingRequests()));
        });
        limits.tpm().ifPresent(tpm -> {
            context.responseHeader("x-ratelimit-limit-tokens", Long.toString(tpm));
            context.responseHeader("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, permit.remainingTokens())));
        });
        return CallEnd.proceed(chain, () -> permit.finish(tokens(context)), () -> permit.finish(0));
    }

    private static long tokens(CallContext context) {
        return context.attribute(SpendFilter.TOKENS).orElse(0L);
    }
}
