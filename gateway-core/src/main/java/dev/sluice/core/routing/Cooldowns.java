package dev.sluice.core.routing;

import dev.sluice.core.config.FailureClass;
import dev.sluice.core.config.RouterSettings;
import java.util.Map;

/**
 * When a failing deployment is left out of routing, and for how long, as LiteLLM decides it: an
 * upstream 429 cools it at once (for at least the upstream's {@code Retry-After}); other
 * failures of the deployment's own making (auth, timeout, 5xx) cool it once a minute holds more
 * than {@code allowed_fails} of them (or of {@code allowed_fails_policy}'s count for that class).
 * Failures caused by the request (bad request, content policy) count only when
 * {@code allowed_fails_policy} names their class. A group's only deployment is never cooled
 * ({@link ServedDeployment#alone()}).
 */
public final class Cooldowns {

    private final boolean disabled;
    private final int allowedFails;
    private final Map<FailureClass, Integer> allowedByClass;
    private final long cooldownMillis;

    /** @param settings the router settings */
    public Cooldowns(RouterSettings settings) {
        this.disabled = settings.disableCooldowns();
        this.allowedFails = settings.allowedFails();
        this.allowedByClass = settings.allowedFailsPolicy();
        this.cooldownMillis = settings.cooldownTime().toMillis();
    }

    /**
     * @param failure              the failure's class
     * @param failuresThisMinute   failures of that class this minute, this one included
     * @param upstreamRetryAfterMillis what the upstream asked for, 0 if nothing
     * @return how long to cool the deployment, 0 for not at all
     */
    long coolFor(FailureClass failure, int failuresThisMinute, long upstreamRetryAfterMillis) {
        if (disabled) {
            return 0;
        }
        Integer allowed = allowedByClass.get(failure);
        boolean cool;
        if (allowed != null) {
            cool = failuresThisMinute > allowed;
        } else {
            cool = switch (failure) {
                case RATE_LIMIT -> true;
                case AUTHENTICATION, TIMEOUT, INTERNAL_SERVER -> failuresThisMinute > allowedFails;
                case BAD_REQUEST, CONTENT_POLICY -> false;
            };
        }
        return cool ? Math.max(cooldownMillis, upstreamRetryAfterMillis) : 0;
    }
}
