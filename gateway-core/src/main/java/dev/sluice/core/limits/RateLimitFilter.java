package dev.sluice.core.limits;

import dev.sluice.core.accounts.RateLimits;
import dev.sluice.api.CallContext;
import dev.sluice.api.FilterSlot;
import dev.sluice.api.GatewayException;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelResult;
import dev.sluice.core.accounts.AccessFilter;
import dev.sluice.core.accounts.Account;
import dev.sluice.core.pipeline.CallEnd;
import dev.sluice.core.spend.SpendFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the {@code rpm_limit}, {@code tpm_limit} and {@code max_parallel_requests} of every
 * account of a call (key, team, team member or user, customer), all or none: a call over any
 * limit gets 429 with {@code retry-after}; an admitted one carries LiteLLM's
 * {@code x-ratelimit-*} headers for the first account with such limits (the key, when it has
 * them). Tokens are counted when the call ends (streams on close), from the usage the spend stage
 * inside it read.
 */
public final class RateLimitFilter implements GatewayFilter {

    private final RateLimiter limiter;

    /** @param limiter the counters */
    public RateLimitFilter(RateLimiter limiter) {
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
        CallContext context = chain.context();
        List<Account> limited = context.attribute(AccessFilter.ACCOUNTS).orElse(List.of()).stream()
                .filter(account -> account.limits().any()).toList();
        if (limited.isEmpty()) {
            return chain.proceed(chain.request());
        }
        List<RateLimiter.Permit> permits = new ArrayList<>(limited.size());
        try {
            for (Account account : limited) {
                permits.add(limiter.admit(account.id(), account.what(), account.limits()));
            }
        } catch (GatewayException e) {
            permits.forEach(RateLimiter.Permit::cancel);
            throw e;
        }
        headers(context, limited, permits);
        return CallEnd.proceed(chain, () -> {
            long tokens = context.attribute(SpendFilter.TOKENS).orElse(0L);
            permits.forEach(permit -> permit.finish(tokens));
        }, () -> permits.forEach(permit -> permit.finish(0)));
    }

    private static void headers(CallContext context, List<Account> limited, List<RateLimiter.Permit> permits) {
        for (int i = 0; i < limited.size(); i++) {
            RateLimits limits = limited.get(i).limits();
            RateLimiter.Permit permit = permits.get(i);
            if (limits.rpm().isEmpty() && limits.tpm().isEmpty()) {
                continue;
            }
            limits.rpm().ifPresent(rpm -> {
                context.responseHeader("x-ratelimit-limit-requests", Long.toString(rpm));
                context.responseHeader("x-ratelimit-remaining-requests", Long.toString(permit.remainingRequests()));
            });
            limits.tpm().ifPresent(tpm -> {
                context.responseHeader("x-ratelimit-limit-tokens", Long.toString(tpm));
                context.responseHeader("x-ratelimit-remaining-tokens",
                        Long.toString(Math.max(0, permit.remainingTokens())));
            });
            return;
        }
    }
}
