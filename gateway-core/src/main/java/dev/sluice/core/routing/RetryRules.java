package dev.sluice.core.routing;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.core.config.FailureClass;
import dev.sluice.core.config.RouterSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * How often a failed call is tried again within its model group, and how long to wait first.
 * The count is {@code model_group_retry_policy}'s or {@code retry_policy}'s for the failure's
 * class, else {@code num_retries} for failures worth retrying (timeouts, 429s, 5xx, unreachable
 * upstreams). A prompt too long for the context window is never retried: it goes to the
 * context-window fallbacks.
 *
 * <p>The wait: none when another deployment of the group can take the retry (the failed one is
 * left out of it), else the upstream's {@code Retry-After} if it sent one, else exponential
 * backoff from {@value #INITIAL_BACKOFF_MILLIS} ms doubling to at most {@value #MAX_BACKOFF_MILLIS}
 * ms, less up to a quarter at random so that callers failed together do not come back together;
 * never less than {@code retry_after}.
 */
public final class RetryRules {

    static final long INITIAL_BACKOFF_MILLIS = 500;
    static final long MAX_BACKOFF_MILLIS = 8_000;

    private final int numRetries;
    private final Duration leastWait;
    private final Map<FailureClass, Integer> policy;
    private final Map<String, Map<FailureClass, Integer>> groupPolicies;

    /** @param settings the router settings */
    public RetryRules(RouterSettings settings) {
        this.numRetries = settings.numRetries();
        this.leastWait = settings.retryAfter();
        this.policy = settings.retryPolicy();
        this.groupPolicies = settings.groupRetryPolicies();
    }

    /** @return how many retries a call to this group gets after this failure */
    int retriesFor(String group, GatewayException failure) {
        if (failure.kind() == ErrorKind.CONTEXT_WINDOW_EXCEEDED) {
            return 0;
        }
        Optional<FailureClass> failureClass = FailureClass.of(failure.kind());
        Integer configured = failureClass.map(c -> groupPolicies.getOrDefault(group, policy).get(c)).orElse(null);
        if (configured != null) {
            return configured;
        }
        return failure.kind().retryable() ? numRetries : 0;
    }

    /**
     * @param retry            0 for the first retry
     * @param failure          the failure being retried
     * @param anotherAvailable whether a deployment other than the failed ones can take the retry
     * @param random           the jitter's source
     * @return how long to wait before the retry
     */
    Duration waitBefore(int retry, GatewayException failure, boolean anotherAvailable, RandomGenerator random) {
        Duration wait;
        if (anotherAvailable) {
            wait = Duration.ZERO;
        } else if (failure.retryAfter().isPresent()) {
            wait = failure.retryAfter().get();
        } else {
            long backoff = Math.min(INITIAL_BACKOFF_MILLIS << Math.min(retry, 20), MAX_BACKOFF_MILLIS);
            wait = Duration.ofMillis(Math.round(backoff * (1 - 0.25 * random.nextDouble())));
        }
        return wait.compareTo(leastWait) < 0 ? leastWait : wait;
    }
}
