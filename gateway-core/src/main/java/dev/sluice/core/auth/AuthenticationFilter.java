package dev.sluice.core.auth;

import dev.sluice.api.FilterSlot;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelResult;

/**
 * The pipeline's authentication stage: no call passes it without a {@link dev.sluice.api.Principal}.
 * The HTTP routes authenticate before they read a body, so for them the principal is already set
 * and this stage only checks that; calls that enter the pipeline any other way are authenticated here.
 */
public final class AuthenticationFilter implements GatewayFilter {

    private final Authenticator authenticator;

    /** @param authenticator the gateway's authenticator */
    public AuthenticationFilter(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public String name() {
        return "authentication";
    }

    @Override
    public FilterSlot slot() {
        return FilterSlot.AUTHENTICATE;
    }

    @Override
    public ModelResult intercept(Chain chain) {
        if (chain.context().principal().isEmpty()) {
            chain.context().principal(authenticator.authenticate(chain.context().requestHeaders(),
                    chain.context().clientAddress()));
        }
        return chain.proceed(chain.request());
    }
}
