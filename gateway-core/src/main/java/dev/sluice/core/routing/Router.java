package dev.sluice.core.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.CallContext;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.CompletionRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.EndpointRequest;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.HttpTransport;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.RoutingPolicy;
import dev.sluice.api.Usage;
import dev.sluice.core.config.FailureClass;
import dev.sluice.core.config.RouterSettings;
import dev.sluice.core.telemetry.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's last stage: finds the caller's model group, has a deployment of it chosen and
 * admitted, calls that deployment's provider adapter, and when the call fails retries within
 * the group ({@link RetryRules}), cools the deployment down ({@link Cooldowns}) and moves on to
 * the fallback groups ({@link Fallbacks}). A stream is retried only while nothing of it has
 * reached the client: the router reads its first chunk before handing it on.
 */
public final class Router {

    /** The deployment that served the call (or last failed it), for response headers and spend. */
    public static final CallContext.Key<Deployment> DEPLOYMENT = new CallContext.Key<>("deployment", Deployment.class);

    /**
     * Nanoseconds spent waiting for upstreams, retry waits included: whole answers, or streams'
     * first events. The rest of a call's duration is the gateway's overhead.
     */
    public static final CallContext.Key<Long> UPSTREAM_NANOS = new CallContext.Key<>("upstream-nanos", Long.class);

    /**
     * Which model groups the caller may use, set by the admission stage; fallbacks to a group the
     * caller may not use are skipped. Without it every group is allowed.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static final CallContext.Key<Predicate<String>> MODEL_ACCESS =
            new CallContext.Key<>("model-access", (Class) Predicate.class);

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    /** Told how each upstream attempt and each fallback went: for metrics. */
    public interface AttemptObserver {

        /**
         * @param deployment     the deployment tried
         * @param requestedModel the model name that led to its group
         * @param failure        why it failed, or {@code null} if it answered
         */
        void attempted(Deployment deployment, String requestedModel, GatewayException failure);

        /** A deployment started cooling down after a failure with this HTTP status. */
        void cooledDown(Deployment deployment, int status);

        /**
         * @param from      the model the caller asked for
         * @param to        the fallback group tried
         * @param context   the call
         * @param cause     the failure that made the call fall back
         * @param succeeded whether the fallback answered
         */
        void fellBack(String from, String to, CallContext context, GatewayException cause, boolean succeeded);
    }

    private static final AttemptObserver NO_OBSERVER = new AttemptObserver() {
        @Override
        public void attempted(Deployment deployment, String requestedModel, GatewayException failure) {
        }

        @Override
        public void cooledDown(Deployment deployment, int status) {
        }

        @Override
        public void fellBack(String from, String to, CallContext context, GatewayException cause, boolean succeeded) {
        }
    };

    private volatile Tracing tracing = Tracing.off();

    private final ModelCatalog catalog;
    private final DeploymentSelector selector;
    private final RetryRules retries;
    private final Fallbacks fallbacks;
    private final Outcomes outcomes;
    private final HttpTransport transport;
    private final ObjectMapper json;
    private final Clock clock;
    private final RandomGenerator random;
    private final Pause pause;
    private final long requestTimeoutMillis;

    /**
     * @param catalog        the model groups
     * @param policy         the routing policy; without one the first candidate is taken
     * @param settings       retries, cooldowns, fallbacks
     * @param requestTimeout the longest a call may spend retrying
     * @param transport      the HTTP transport handed to adapters
     * @param json           the JSON mapper handed to adapters
     * @param clock          the time, for minute windows, cooldowns and deadlines
     * @param random         the random source for the policy and the backoff's jitter
     * @param pause          how to wait before a retry
     */
    public Router(ModelCatalog catalog, Optional<RoutingPolicy> policy, RouterSettings settings,
                  Duration requestTimeout, HttpTransport transport, ObjectMapper json, Clock clock,
                  RandomGenerator random, Pause pause) {
        this.catalog = catalog;
        this.selector = new DeploymentSelector(policy, settings.enablePreCallChecks(), clock, random);
        this.retries = new RetryRules(settings);
        this.fallbacks = new Fallbacks(settings);
        this.outcomes = new Outcomes(new Cooldowns(settings), clock);
        this.transport = transport;
        this.json = json;
        this.clock = clock;
        this.random = random;
        this.pause = pause;
        this.requestTimeoutMillis = requestTimeout.toMillis();
        for (String named : fallbacks.named()) {
            if (catalog.resolve(named).isEmpty()) {
                LOG.warn("Fallback model group '{}' is not in model_list: calls will skip it", named);
            }
        }
    }

    /**
     * Registers who is told when a deployment starts cooling down here (its id and the
     * milliseconds it is left out), so other replicas can leave it out too.
     */
    public void onCooldown(java.util.function.BiConsumer<String, Long> listener) {
        outcomes.listeners.add(listener);
    }

    /**
     * Counts deployments' calls in the replicas' shared counts, so their rpm/tpm hold across all
     * replicas and policies see the whole fleet's load.
     *
     * @param shared          the counts shared through Redis
     * @param everyDeployment whether deployments without limits are counted too (for policies
     *                        that weigh calls in flight)
     */
    public void shareLoad(SharedLoad shared, boolean everyDeployment) {
        selector.shareLoad(shared, everyDeployment);
    }

    /**
     * Puts each upstream attempt in a span and tells the observer how attempts and fallbacks go.
     */
    public void observe(Tracing tracing, AttemptObserver observer) {
        this.tracing = tracing;
        this.outcomes.observer = observer;
    }

    /** Leaves a deployment out for a while because another replica saw it fail. */
    public void coolDownElsewhere(String deploymentId, long millis) {
        catalog.deployments().stream().filter(served -> served.config().deployment().id().equals(deploymentId))
                .forEach(served -> served.load().coolUntil(clock.millis() + millis));
    }

    /** @return the fallback rules, for stages that must know where a call may end up */
    public Fallbacks fallbacks() {
        return fallbacks;
    }

    /** Routes one call; the terminal stage of the pipeline. */
    public ModelResult route(ModelRequest request, CallContext context) {
        List<String> ownFallbacks = ownFallbacks(request);
        if (request.body().has("fallbacks")) {
            ObjectNode body = request.body().deepCopy();
            body.remove("fallbacks"); // the router's, not the upstream's
            request = request.withBody(body);
        }
        ModelCatalog.ResolvedGroup primary = resolve(request.model());
        Attempts attempts = new Attempts(context, clock.millis() + requestTimeoutMillis);
        try {
            return routeGroup(primary, request, attempts);
        } catch (GatewayException failure) {
            Predicate<String> mayUse = context.attribute(MODEL_ACCESS).orElse(group -> true);
            for (String next : fallbacks.after(primary.asked(), primary.name(), failure.kind(), ownFallbacks)) {
                Optional<ModelCatalog.ResolvedGroup> target = catalog.resolve(next);
                if (target.isEmpty() || target.get().name().equals(primary.name()) || !mayUse.test(next)) {
                    continue;
                }
                attempts.fallbacks++;
                try {
                    ModelResult answer = routeGroup(target.get(), request, attempts);
                    outcomes.observer.fellBack(primary.asked(), next, context, failure, true);
                    return answer;
                } catch (GatewayException fallbackFailure) {
                    outcomes.observer.fellBack(primary.asked(), next, context, failure, false);
                    LOG.debug("Fallback {} failed too: {}", next, fallbackFailure.getMessage());
                }
            }
            // As LiteLLM: when the fallbacks fail too, the caller gets the first group's error.
            throw failure;
        } finally {
            context.responseHeader("x-litellm-attempted-retries", Integer.toString(attempts.retries));
            context.responseHeader("x-litellm-attempted-fallbacks", Integer.toString(attempts.fallbacks));
            context.attribute(UPSTREAM_NANOS, attempts.upstreamNanos);
        }
    }

    /** @return the group a model name routes to, or LiteLLM's 400 for a name nothing serves */
    private ModelCatalog.ResolvedGroup resolve(String model) {
        return catalog.resolve(model).orElseThrow(() -> GatewayException.badRequest(
                "Invalid model name passed in model=" + model
                        + ". Call /v1/models to view available models for your key.", "model"));
    }

    /** @return the request's own {@code fallbacks} list, empty if it has none */
    public static List<String> ownFallbacks(ModelRequest request) {
        JsonNode list = request.body().get("fallbacks");
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw GatewayException.badRequest("fallbacks must be a list of model names, e.g. [\"gpt-4o-mini\"].",
                    "fallbacks");
        }
        List<String> names = new ArrayList<>(list.size());
        for (JsonNode name : list) {
            if (!name.isTextual() || name.asText().isBlank()) {
                throw GatewayException.badRequest("fallbacks must be a list of model names, e.g. [\"gpt-4o-mini\"].",
                        "fallbacks");
            }
            names.add(name.asText());
        }
        return names;
    }

    private ModelResult routeGroup(ModelCatalog.ResolvedGroup group, ModelRequest request, Attempts attempts) {
        Set<String> failed = Set.of(); // most calls never fail: no set until one does
        for (int retry = 0; ; retry++) {
            AdmittedRoute admitted = selector.select(group, request, failed);
            try {
                return attempt(admitted, request, attempts, retry);
            } catch (GatewayException e) {
                if (failed.isEmpty()) {
                    failed = new HashSet<>(4);
                }
                failed.add(admitted.route().deployment().id());
                DeploymentSelector.Retry target = selector.retryTarget(group, failed);
                if (retry >= retries.retriesFor(group.name(), e) || target == DeploymentSelector.Retry.NOWHERE) {
                    throw e;
                }
                Duration wait = retries.waitBefore(retry, e, target == DeploymentSelector.Retry.ELSEWHERE, random);
                if (clock.millis() + wait.toMillis() > attempts.deadlineMillis) {
                    throw e;
                }
                waitBeforeRetry(wait, attempts, e);
                attempts.retries++;
            }
        }
    }

    private void waitBeforeRetry(Duration wait, Attempts attempts, GatewayException failure) {
        if (wait.isZero()) {
            return;
        }
        long start = System.nanoTime();
        try {
            pause.await(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure;
        } finally {
            attempts.upstreamNanos += System.nanoTime() - start;
        }
    }

    private ModelResult attempt(AdmittedRoute admitted, ModelRequest request, Attempts attempts, int retry) {
        Route route = admitted.route();
        ProviderAdapter adapter = route.served().adapter().orElseThrow();
        attempts.context.attribute(DEPLOYMENT, route.deployment());
        ProviderContext upstream = new ProviderContext(route.deployment(), transport, json, attempts.context.callId());
        Tracing spans = tracing;
        Span span = spans.startAttempt(route.deployment(), request, retry, attempts.fallbacks > 0);
        long start = System.nanoTime();
        try (Scope ignored = spans.enter(span)) { // the transport sends this span as the upstream's traceparent
            // The request still names the caller's model group: adapters take the upstream model
            // from the deployment, which spares a copy of the body here.
            ModelResult result = call(adapter, request, upstream);
            if (result instanceof ChunkStream stream) {
                ChatChunk first = firstChunk(stream);
                long waited = System.nanoTime() - start;
                attempts.upstreamNanos += waited;
                route.served().load().firstChunkIn(waited);
                return spans.streamed(span, new RoutedStream(first, stream, admitted, outcomes));
            }
            long took = System.nanoTime() - start;
            attempts.upstreamNanos += took;
            route.served().load().answeredIn(took);
            if (result instanceof dev.sluice.api.ByteStream) { // speech: answered, its bytes still to come
                outcomes.finished(admitted, 0);
                span.end();
                return result;
            }
            ModelResponse response = (ModelResponse) result;
            outcomes.finished(admitted, response.usage().map(Usage::totalTokens).orElse(0L));
            spans.answered(span, response);
            return result;
        } catch (GatewayException e) {
            attempts.upstreamNanos += System.nanoTime() - start;
            outcomes.failed(admitted, e);
            Tracing.failed(span, e);
            throw e;
        }
    }

    private static ChatChunk firstChunk(ChunkStream stream) {
        try {
            return stream.next();
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    private ModelResult call(ProviderAdapter adapter, ModelRequest asked, ProviderContext context) {
        try {
            ModelRequest request = asked instanceof EndpointRequest ? asked : UnsupportedParams.apply(
                    DeploymentDefaults.apply(asked, context.deployment()), adapter.chatParams(context.deployment()),
                    context.deployment());
            ModelResult result = switch (request) {
                case ChatRequest chat -> chat.stream() ? adapter.streamChat(chat, context) : adapter.chat(chat, context);
                case CompletionRequest completion -> completion.stream()
                        ? adapter.streamComplete(completion, context) : adapter.complete(completion, context);
                case EmbeddingRequest embedding -> adapter.embed(embedding, context);
                case EndpointRequest endpoint -> adapter.serve(endpoint, context);
            };
            if (result == null) {
                throw pluginFault(adapter, context, new NullPointerException("the adapter returned null"));
            }
            return result instanceof ChunkStream stream ? new GuardedStream(stream, adapter, context) : result;
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw pluginFault(adapter, context, e);
        }
    }

    static GatewayException pluginFault(ProviderAdapter adapter, ProviderContext context, Throwable fault) {
        java.io.IOException broken = ioCause(fault);
        if (broken != null) {
            // the upstream connection failed under the plugin (its reader let the I/O error through,
            // as the API's readers do): the upstream's fault, retryable, not the plugin's
            LOG.warn("The upstream of deployment {} ({}) failed while {} read it: {}", context.deployment().id(),
                    context.deployment().qualifiedModel(), name(adapter), broken.toString());
            if (broken instanceof java.net.SocketTimeoutException) {
                return new GatewayException(ErrorKind.TIMEOUT, 408, "The upstream of '" + context.deployment().provider()
                        + "' stopped sending for longer than its timeout.", null, null, null, broken);
            }
            return new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, 503, "The connection to the upstream of '"
                    + context.deployment().provider() + "' broke off (" + broken.getClass().getSimpleName() + ").",
                    null, null, null, broken);
        }
        LOG.error("Provider adapter {} failed on deployment {}: {}", name(adapter), context.deployment().id(),
                fault.toString());
        return new GatewayException(ErrorKind.INTERNAL, 500, "The provider plugin for '"
                + context.deployment().provider() + "' failed (" + fault.getClass().getSimpleName()
                + "); the gateway log has details.", null, null, null, null);
    }

    private static java.io.IOException ioCause(Throwable fault) {
        for (Throwable cause = fault; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.io.IOException io) {
                return io;
            }
        }
        return null;
    }

    /** @return the adapter as logs name it: its plugin and class, not the gateway's wrapper */
    private static String name(ProviderAdapter adapter) {
        String text = adapter.toString();
        return text.startsWith(adapter.getClass().getName() + "@") ? adapter.getClass().getName() : text;
    }

    /** What one call has done so far: for the response headers and the deadline. */
    private static final class Attempts {
        final CallContext context;
        final long deadlineMillis;
        int retries;
        int fallbacks;
        long upstreamNanos;

        Attempts(CallContext context, long deadlineMillis) {
            this.context = context;
            this.deadlineMillis = deadlineMillis;
        }
    }

    /** Tells a deployment's load how an admitted call ended, exactly once per call. */
    static final class Outcomes {
        private final Cooldowns cooldowns;
        private final Clock clock;
        private final List<java.util.function.BiConsumer<String, Long>> listeners =
                new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile AttemptObserver observer = NO_OBSERVER;

        Outcomes(Cooldowns cooldowns, Clock clock) {
            this.cooldowns = cooldowns;
            this.clock = clock;
        }

        void finished(AdmittedRoute admitted, long tokens) {
            admitted.route().served().load().finished(clock.millis(), tokens);
            admitted.acrossReplicas().finish(tokens);
            observer.attempted(admitted.route().deployment(), admitted.asked(), null);
        }

        void failed(AdmittedRoute admitted, GatewayException failure) {
            admitted.acrossReplicas().finish(0);
            observer.attempted(admitted.route().deployment(), admitted.asked(), failure);
            Route route = admitted.route();
            FailureClass failureClass = route.served().alone() ? null : FailureClass.of(failure.kind()).orElse(null);
            long retryAfter = failure.retryAfter().map(Duration::toMillis).orElse(0L);
            long now = clock.millis();
            if (route.served().load().failed(now, failureClass, cooldowns, retryAfter)) {
                long cooling = route.served().load().coolUntilMillis() - now;
                listeners.forEach(listener -> listener.accept(route.deployment().id(), cooling));
                observer.cooledDown(route.deployment(), failure.status());
                LOG.warn("Deployment {} ({}) is cooling down after {} (HTTP {}); calls go to the rest of its group",
                        route.deployment().id(), route.deployment().qualifiedModel(), failure.kind(), failure.status());
            }
        }
    }

    /** Turns a plugin's unexpected exception during a stream into a reportable error. */
    private record GuardedStream(ChunkStream stream, ProviderAdapter adapter, ProviderContext context)
            implements ChunkStream {

        @Override
        public ChatChunk next() {
            try {
                return stream.next();
            } catch (GatewayException e) {
                throw e;
            } catch (RuntimeException | LinkageError e) {
                throw pluginFault(adapter, context, e);
            }
        }

        @Override
        public void close() {
            try {
                stream.close();
            } catch (RuntimeException e) {
                LOG.warn("Provider adapter {} failed to close a stream: {}", name(adapter), e.toString());
            }
        }
    }
}
