package dev.sluice.core.routing;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.RoutingCandidate;
import dev.sluice.api.RoutingPolicy;
import dev.sluice.core.config.DeploymentConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Chooses and admits the deployment for one attempt. It leaves out deployments without a plugin,
 * those too small for the prompt ({@code enable_pre_call_checks}), those cooling down, and,
 * while others remain, those that failed earlier in this call; keeps those with headroom under
 * their {@code rpm}/{@code tpm} and the best {@code order} among them; and lets the routing
 * policy choose. The chosen one is admitted in one step with its headroom check, so concurrent
 * calls never push a deployment past its {@code rpm}. When replicas share Redis, a deployment with
 * {@code rpm}/{@code tpm} limits (or every deployment, for a policy that weighs calls in flight) is
 * then admitted in the shared counts too, so the replicas together keep to its limits.
 */
final class DeploymentSelector {

    private final Optional<RoutingPolicy> policy;
    private final boolean preCallChecks;
    private final Clock clock;
    private final RandomGenerator random;
    private volatile SharedLoad acrossReplicas;
    private volatile boolean shareEveryDeployment;

    DeploymentSelector(Optional<RoutingPolicy> policy, boolean preCallChecks, Clock clock, RandomGenerator random) {
        this.policy = policy;
        this.preCallChecks = preCallChecks;
        this.clock = clock;
        this.random = random;
    }

    /**
     * @param group  the model group
     * @param request the request
     * @param failed ids of deployments that failed earlier in this call
     * @return the admitted route
     * @throws GatewayException 429 when every deployment is cooling or at its limits, 400 when
     *                          the prompt fits none, 503 when no plugin serves the group
     */
    AdmittedRoute select(ModelCatalog.ResolvedGroup group, ModelRequest request, Set<String> failed) {
        long now = clock.millis();
        List<Route> pool = usable(group, request, now);
        if (!failed.isEmpty()) {
            List<Route> fresh = pool.stream().filter(route -> !failed.contains(route.deployment().id())).toList();
            if (!fresh.isEmpty()) {
                pool = new ArrayList<>(fresh);
            }
        }
        while (true) {
            List<Route> best = bestWithHeadroom(pool, now);
            if (best.isEmpty()) {
                throw allAtTheirLimits(group, now);
            }
            Route chosen = best.size() == 1 ? best.getFirst() : choose(best, request, now);
            DeploymentConfig config = chosen.served().config();
            if (chosen.served().load().admit(now, config.rpm(), config.tpm())) {
                SharedLoad.Admission shared = admitAcrossReplicas(chosen, now);
                if (shared != null) {
                    return new AdmittedRoute(chosen, shared, group.asked());
                }
            }
            pool.remove(chosen); // another call took its last slot this minute, or it just cooled
        }
    }

    /**
     * Counts calls to deployments in the replicas' shared counts from now on.
     *
     * @param shared               the shared counts
     * @param everyDeployment      whether to count deployments without rpm/tpm limits too, for a
     *                             routing policy that weighs their calls in flight
     */
    void shareLoad(SharedLoad shared, boolean everyDeployment) {
        this.shareEveryDeployment = everyDeployment;
        this.acrossReplicas = shared;
    }

    /**
     * @return the shared admission, {@link SharedLoad.Admission#NONE} if the deployment is not
     *         shared or Redis failed (this process's count stands alone then), or {@code null}
     *         when the replicas together have used its limits this minute
     */
    private SharedLoad.Admission admitAcrossReplicas(Route chosen, long now) {
        SharedLoad shared = acrossReplicas;
        DeploymentConfig config = chosen.served().config();
        if (shared == null || !(config.rpm() > 0 || config.tpm() > 0 || shareEveryDeployment)) {
            return SharedLoad.Admission.NONE;
        }
        DeploymentLoad load = chosen.served().load();
        Optional<SharedLoad.Admission> admitted;
        try {
            admitted = shared.admit(config.deployment().id(), config.rpm(), config.tpm());
        } catch (RuntimeException redisFailed) {
            return SharedLoad.Admission.NONE;
        }
        if (admitted.isEmpty()) {
            load.fullAcrossReplicas(now);
            return null;
        }
        SharedLoad.Admission admission = admitted.get();
        load.seenAcrossReplicas(now, admission.requests(), admission.tokens(), admission.inFlight());
        return admission;
    }

    /** What a retry could go to. */
    enum Retry {
        /** A deployment that has not failed in this call: retry at once. */
        ELSEWHERE,
        /** Only deployments that failed in this call: retry after a wait. */
        SAME_AGAIN,
        /** Nothing: every deployment is cooling down or at its limits. */
        NOWHERE
    }

    /** @return where a retry after these failures could go now */
    Retry retryTarget(ModelCatalog.ResolvedGroup group, Set<String> failed) {
        long now = clock.millis();
        Retry target = Retry.NOWHERE;
        for (Route route : group.routes()) {
            DeploymentConfig config = route.served().config();
            if (route.served().adapter().isPresent() && !route.served().load().cooling(now)
                    && route.served().load().hasHeadroom(now, config.rpm(), config.tpm())) {
                if (!failed.contains(route.deployment().id())) {
                    return Retry.ELSEWHERE;
                }
                target = Retry.SAME_AGAIN;
            }
        }
        return target;
    }

    private List<Route> usable(ModelCatalog.ResolvedGroup group, ModelRequest request, long now) {
        long prompt = preCallChecks ? PromptSize.tokens(request) : 0;
        List<Route> pool = new ArrayList<>(group.routes().size());
        long firstCoolEnd = Long.MAX_VALUE;
        long largestWindow = 0;
        boolean served = false;
        for (Route route : group.routes()) {
            if (route.served().adapter().isEmpty()) {
                continue;
            }
            served = true;
            OptionalLong window = route.contextWindow();
            if (preCallChecks && window.isPresent() && prompt > window.getAsLong()) {
                largestWindow = Math.max(largestWindow, window.getAsLong());
                continue;
            }
            if (route.served().load().cooling(now)) {
                firstCoolEnd = Math.min(firstCoolEnd, route.served().load().coolUntilMillis());
                continue;
            }
            pool.add(route);
        }
        if (!served) {
            throw GatewayException.of(ErrorKind.UPSTREAM_UNAVAILABLE,
                    group.routes().getFirst().served().missingPluginMessage());
        }
        if (pool.isEmpty() && firstCoolEnd != Long.MAX_VALUE) {
            throw noDeployments(group, Duration.ofMillis(firstCoolEnd - now),
                    "every deployment of it is cooling down after failures");
        }
        if (pool.isEmpty()) {
            throw new GatewayException(ErrorKind.CONTEXT_WINDOW_EXCEEDED, 400, "The prompt (about " + prompt
                    + " tokens) is longer than the context window of every deployment of model group '"
                    + group.name() + "' (the largest takes " + largestWindow + " tokens). Shorten it, or use a "
                    + "model with a larger context window.", "messages", "context_length_exceeded", null, null);
        }
        return pool;
    }

    private static List<Route> bestWithHeadroom(List<Route> pool, long now) {
        List<Route> best = new ArrayList<>(pool.size());
        int bestOrder = Integer.MAX_VALUE;
        for (Route route : pool) {
            DeploymentConfig config = route.served().config();
            if (!route.served().load().hasHeadroom(now, config.rpm(), config.tpm())) {
                continue;
            }
            if (config.order() < bestOrder) {
                best.clear();
                bestOrder = config.order();
            }
            if (config.order() == bestOrder) {
                best.add(route);
            }
        }
        return best;
    }

    private Route choose(List<Route> best, ModelRequest request, long now) {
        if (policy.isEmpty()) {
            return best.getFirst();
        }
        List<RoutingCandidate> candidates = new ArrayList<>(best.size());
        for (Route route : best) {
            DeploymentConfig config = route.served().config();
            candidates.add(new RoutingCandidate(route.deployment(), route.served().load().stats(now), config.weight(),
                    config.rpm(), config.tpm(), route.price()));
        }
        RoutingCandidate picked = policy.get().pick(List.copyOf(candidates), request, random);
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i) == picked) {
                return best.get(i);
            }
        }
        throw GatewayException.of(ErrorKind.INTERNAL, "Routing policy '" + policy.get().name()
                + "' picked a deployment that was not offered.");
    }

    private static GatewayException allAtTheirLimits(ModelCatalog.ResolvedGroup group, long now) {
        return noDeployments(group, Duration.ofMillis(DeploymentLoad.untilNextMinute(now)),
                "every deployment of it has used its rpm/tpm for this minute");
    }

    /** LiteLLM's message for a group with nothing to route to, with the wait in the Retry-After header. */
    static GatewayException noDeployments(ModelCatalog.ResolvedGroup group, Duration retryAfter, String why) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new GatewayException(ErrorKind.RATE_LIMITED, 429, "No deployments available for selected model, Try "
                + "again in " + seconds + " seconds. Passed model=" + group.asked() + ". Model group '" + group.name()
                + "': " + why + ".", null, null, Duration.ofSeconds(seconds), null);
    }
}
