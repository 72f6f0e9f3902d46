package dev.sluice.core.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.CallContext;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.CompletionRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.DeploymentStats;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.HttpTransport;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResult;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.RoutingCandidate;
import dev.sluice.api.RoutingPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's last stage: finds the caller's model group, lets the routing policy pick one of
 * its deployments, and calls that deployment's provider adapter.
 */
public final class Router {

    /** The deployment that served the call, for response headers and spend. */
    public static final CallContext.Key<Deployment> DEPLOYMENT = new CallContext.Key<>("deployment", Deployment.class);

    /**
     * Nanoseconds spent waiting for the upstream: the whole answer, or the stream's first event.
     * The rest of a call's duration is the gateway's overhead.
     */
    public static final CallContext.Key<Long> UPSTREAM_NANOS = new CallContext.Key<>("upstream-nanos", Long.class);

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final ModelCatalog catalog;
    private final RoutingPolicy policy;
    private final HttpTransport transport;
    private final ObjectMapper json;
    private final RandomGenerator random;

    /**
     * @param catalog   the model groups
     * @param policy    the routing policy
     * @param transport the HTTP transport handed to adapters
     * @param json      the JSON mapper handed to adapters
     * @param random    the random source handed to the policy
     */
    public Router(ModelCatalog catalog, RoutingPolicy policy, HttpTransport transport, ObjectMapper json,
                  RandomGenerator random) {
        this.catalog = catalog;
        this.policy = policy;
        this.transport = transport;
        this.json = json;
        this.random = random;
    }

    /** Routes one call; the terminal stage of the pipeline. */
    public ModelResult route(ModelRequest request, CallContext context) {
        List<ServedDeployment> group = catalog.group(request.model()).orElseThrow(() -> GatewayException.badRequest(
                "Invalid model name passed in model=" + request.model()
                        + ". Call /v1/models to view available models for your key.", "model"));
        List<RoutingCandidate> candidates = new ArrayList<>(group.size());
        for (ServedDeployment served : group) {
            if (served.adapter().isPresent()) {
                candidates.add(new RoutingCandidate(served.config().deployment(), DeploymentStats.NONE,
                        served.config().weight(), served.config().rpm(), served.config().tpm()));
            }
        }
        if (candidates.isEmpty()) {
            throw GatewayException.of(ErrorKind.UPSTREAM_UNAVAILABLE, group.getFirst().missingPluginMessage());
        }
        Deployment deployment = policy.pick(candidates, request, random).deployment();
        ProviderAdapter adapter = group.stream()
                .filter(served -> served.config().deployment() == deployment)
                .findFirst().flatMap(ServedDeployment::adapter)
                .orElseThrow(() -> GatewayException.of(ErrorKind.INTERNAL,
                        "Routing policy '" + policy.name() + "' picked a deployment that was not offered."));
        context.attribute(DEPLOYMENT, deployment);
        long start = System.nanoTime();
        try {
            // The request still names the caller's model group: adapters take the upstream model
            // from the deployment, which spares a copy of the body here.
            return call(adapter, request, new ProviderContext(deployment, transport, json, context.callId()));
        } finally {
            context.attribute(UPSTREAM_NANOS, System.nanoTime() - start);
        }
    }

    private ModelResult call(ProviderAdapter adapter, ModelRequest request, ProviderContext context) {
        try {
            ModelResult result = switch (request) {
                case ChatRequest chat -> chat.stream() ? adapter.streamChat(chat, context) : adapter.chat(chat, context);
                case CompletionRequest completion -> completion.stream()
                        ? adapter.streamComplete(completion, context) : adapter.complete(completion, context);
                case EmbeddingRequest embedding -> adapter.embed(embedding, context);
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
        LOG.error("Provider adapter {} failed on deployment {}: {}", adapter.getClass().getName(),
                context.deployment().id(), fault.toString());
        return new GatewayException(ErrorKind.INTERNAL, 500, "The provider plugin for '"
                + context.deployment().provider() + "' failed (" + fault.getClass().getSimpleName()
                + "); the gateway log has details.", null, null, null, null);
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
                LOG.warn("Provider adapter {} failed to close a stream: {}", adapter.getClass().getName(), e.toString());
            }
        }
    }
}
