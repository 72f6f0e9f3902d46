package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.CompletionRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import dev.sluice.core.Gateway;
import dev.sluice.core.pipeline.GatewayCallContext;
import dev.sluice.core.routing.Router;
import dev.sluice.core.telemetry.Telemetry;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The model endpoints, at OpenAI's paths with and without {@code /v1}, at Azure OpenAI's
 * deployment paths (so Azure SDK clients work) and at the legacy {@code /engines} paths, as
 * LiteLLM serves them.
 */
final class ModelRoutes {

    private final Gateway gateway;
    private final JsonBodyReader bodies;
    private final ErrorResponses errors;
    private final StreamWriter streams;
    private final OpenStreams openStreams;

    ModelRoutes(Gateway gateway, ErrorResponses errors, JsonBodyReader bodies, OpenStreams openStreams) {
        this.openStreams = openStreams;
        this.gateway = gateway;
        this.bodies = bodies;
        this.errors = errors;
        this.streams = new StreamWriter(gateway.json(), errors);
    }

    void register(HttpRules rules) {
        register(rules, "chat/completions", ChatRequest::new);
        register(rules, "completions", CompletionRequest::new);
        register(rules, "embeddings", EmbeddingRequest::new);
    }

    private void register(HttpRules rules, String operation, Function<ObjectNode, ModelRequest> parse) {
        for (String prefix : List.of("/", "/v1/", "/openai/v1/")) {
            String route = prefix + operation;
            rules.post(route, (req, res) -> handle(req, res, route, parse, null));
        }
        for (String prefix : List.of("/openai/deployments/{model}/", "/engines/{model}/", "/v1/engines/{model}/")) {
            String route = prefix + operation;
            rules.post(route, (req, res) -> handle(req, res, route, parse,
                    req.path().pathParameters().first("model").orElse(null)));
        }
    }

    private void handle(ServerRequest req, ServerResponse res, String route, Function<ObjectNode, ModelRequest> parse,
                        String modelFromPath) {
        long startNanos = System.nanoTime();
        GatewayCallContext context = new GatewayCallContext(CallIds.next(), Instant.now(), startNanos,
                new RequestHeaders(req.headers()), clientAddress(req));
        res.header("x-litellm-call-id", context.callId());
        Telemetry.Observation observation = gateway.telemetry().start("POST", route, traceHeaders(req));
        String operation = route.substring(route.lastIndexOf('/', route.length() - 1) + 1);
        ModelRequest request = null;
        try {
            // Authenticate before reading the body, so an unauthenticated caller cannot make the
            // gateway buffer a large body and gets a 401 whatever it sent.
            context.principal(gateway.authenticator().authenticate(context.requestHeaders(), context.clientAddress()));
            ObjectNode body = bodies.read(req);
            if (modelFromPath != null) {
                body.put("model", modelFromPath);
            }
            ModelParams.check(body);
            boolean showUsage = StreamWriter.callerWantsUsage(body);
            if (body.path("stream").asBoolean(false) && !route.endsWith("embeddings")) {
                // Every plugin is asked for the usage chunk, so spend is exact; callers who did not
                // ask for it do not see it (StreamWriter)
                body.withObjectProperty("stream_options").put("include_usage", true);
            }
            request = parse.apply(body);
            ModelRequest asked = request;
            ModelResult result = gateway.call(request, context);
            switch (result) {
                case ModelResponse response -> {
                    byte[] bytes = gateway.json().writeValueAsBytes(response.body());
                    addHeaders(res, context);
                    res.header(HeaderNames.CONTENT_TYPE, "application/json");
                    res.send(bytes);
                    FinishedCalls.finish(observation, context, operation, request, 200, null, -1);
                }
                case ChunkStream stream -> stream(res, context, openStreams.track(stream), showUsage,
                        (failure, firstChunkAt) -> FinishedCalls.finish(observation, context, operation, asked,
                                200, failure, firstChunkAt));
                case dev.sluice.api.ByteStream bytes -> { // only audio endpoints answer in bytes
                    bytes.close();
                    throw ErrorResponses.internal(new IllegalStateException("an answer of bytes to a JSON endpoint"));
                }
            }
        } catch (GatewayException e) {
            addHeaders(res, context); // what was tried: attempted retries and fallbacks, the last deployment
            errors.send(res, e);
            FinishedCalls.finish(observation, context, operation, request, e.status(), e, -1);
        } catch (IOException e) {
            GatewayException internal = ErrorResponses.internal(e);
            errors.send(res, internal);
            FinishedCalls.finish(observation, context, operation, request, internal.status(), internal, -1);
        } finally {
            if (!observation.finished()) { // an unexpected fault, answered 500 by the server's error handler
                FinishedCalls.finish(observation, context, operation, request, 500,
                        GatewayException.of(dev.sluice.api.ErrorKind.INTERNAL, "unexpected fault"), -1);
            }
        }
    }

    /** @return the headers a trace is continued from */
    static Function<String, String> traceHeaders(ServerRequest req) {
        return name -> req.headers().first(HeaderNames.create(name)).orElse(null);
    }

    /** Told how a stream went once it has been written: its failure (or null) and when its first event came. */
    interface StreamEnd {
        void ended(GatewayException failure, long firstChunkAt);
    }

    private void stream(ServerResponse res, GatewayCallContext context, ChunkStream stream, boolean showUsage,
                        StreamEnd end) {
        ChatChunk first;
        try {
            first = stream.next();
        } catch (RuntimeException e) {
            stream.close();
            throw e instanceof GatewayException gatewayError ? gatewayError : ErrorResponses.internal(e);
        }
        long firstChunkAt = System.nanoTime();
        addHeaders(res, context);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("x-accel-buffering", "no");
        OutputStream out;
        try {
            out = res.outputStream();
        } catch (UncheckedIOException e) {
            stream.close();
            end.ended(null, firstChunkAt);
            return;
        }
        end.ended(streams.write(first, stream, out, showUsage), firstChunkAt);
    }

    static void addHeaders(ServerResponse res, GatewayCallContext context) {
        long totalNanos = System.nanoTime() - context.startNanos();
        long upstreamNanos = context.attribute(Router.UPSTREAM_NANOS).orElse(0L);
        context.attribute(Router.DEPLOYMENT).ifPresent(deployment -> deploymentHeaders(res, deployment));
        res.header("x-litellm-response-duration-ms", millis(totalNanos));
        res.header("x-litellm-overhead-duration-ms", millis(Math.max(0, totalNanos - upstreamNanos)));
        for (Map.Entry<String, String> header : context.responseHeaders()) {
            res.header(header.getKey(), headerValue(header.getValue()));
        }
    }

    private static void deploymentHeaders(ServerResponse res, Deployment deployment) {
        res.header("x-litellm-model-id", headerValue(deployment.id()));
        res.header("x-litellm-model-group", headerValue(deployment.modelGroup()));
        deployment.apiBase().ifPresent(base -> res.header("x-litellm-model-api-base", headerValue(base)));
    }

    /**
     * A header value HTTP can carry: names stored before they were checked, or sent by a plugin,
     * may hold CR, LF or other control characters, which Helidon rightly refuses to write (and the
     * caller got an empty 500); they become spaces, and what is not Latin-1 becomes '?'.
     */
    static String headerValue(String value) {
        StringBuilder safe = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean bad = (c < 0x20 && c != '\t') || c == 0x7f || c > 0xff;
            if (bad && safe == null) {
                safe = new StringBuilder(value.length()).append(value, 0, i);
            }
            if (safe != null) {
                safe.append(bad ? (c > 0xff ? '?' : ' ') : c);
            }
        }
        return safe == null ? value : safe.toString();
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1_000_000.0);
    }

    static String clientAddress(ServerRequest req) {
        return req.remotePeer().address() instanceof InetSocketAddress socket
                ? socket.getAddress().getHostAddress() : req.remotePeer().host();
    }
}
