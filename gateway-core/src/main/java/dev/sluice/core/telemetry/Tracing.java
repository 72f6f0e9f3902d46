package dev.sluice.core.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.CompletionRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.Usage;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The gateway's spans, in OpenTelemetry's GenAI semantic conventions: a server span per request
 * (continuing the caller's W3C {@code traceparent}), a span per pipeline stage, and a client span
 * per upstream attempt, so retries and fallbacks show as siblings. Prompt and completion text go
 * into spans only when {@code OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true}. Off, every
 * method is close to free: the tracer is OpenTelemetry's no-op one.
 */
public final class Tracing implements AutoCloseable {

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<Double> TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    static final AttributeKey<Double> TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
    static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> DEPLOYMENT_ID = AttributeKey.stringKey("sluice.deployment.id");
    static final AttributeKey<String> MODEL_GROUP = AttributeKey.stringKey("sluice.model_group");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("sluice.attempt");
    static final AttributeKey<Boolean> FALLBACK = AttributeKey.booleanKey("sluice.fallback");

    private static final TextMapGetter<Function<String, String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, String> carrier) {
            return Set.of("traceparent", "tracestate");
        }

        @Override
        public String get(Function<String, String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };

    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;
    private final boolean on;
    private final boolean captureContent;
    private final AutoCloseable owned;

    private Tracing(OpenTelemetry openTelemetry, boolean on, boolean captureContent, AutoCloseable owned) {
        this.openTelemetry = openTelemetry;
        this.owned = owned;
        this.tracer = openTelemetry.getTracer("dev.sluice.gateway");
        this.on = on;
        this.captureContent = captureContent;
    }

    /** @return tracing that records nothing */
    public static Tracing off() {
        return new Tracing(OpenTelemetry.noop(), false, false, () -> { });
    }

    /**
     * @param openTelemetry  the SDK (or any implementation) spans go to
     * @param captureContent whether prompts and completions go into spans
     * @return tracing into it
     */
    public static Tracing into(OpenTelemetry openTelemetry, boolean captureContent) {
        return new Tracing(openTelemetry, true, captureContent, () -> { });
    }

    /**
     * @param settings the configuration
     * @return tracing as configured ({@link TraceExport}), off unless asked for; it owns the SDK
     *         it builds and shuts it down (flushing queued spans) on close
     */
    public static Tracing configured(dev.sluice.core.config.ObservabilitySettings settings) {
        return TraceExport.fromSettings(settings.callbacks(), settings.environment())
                .map(sdk -> new Tracing(sdk, true, "true".equalsIgnoreCase(
                        settings.environment().get("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT")), sdk))
                .orElseGet(Tracing::off);
    }

    @Override
    public void close() {
        try {
            owned.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not shut the trace exporter down", e);
        }
    }

    /** @return whether spans are recorded */
    public boolean on() {
        return on;
    }

    /** @return the OpenTelemetry instance spans go to */
    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /**
     * Starts the span of one HTTP request, as the child of the caller's {@code traceparent} if
     * it sent one.
     *
     * @param method  the HTTP method
     * @param path    the route, e.g. {@code /v1/chat/completions}
     * @param headers the request's headers by (lower-case) name
     */
    public Span startRequest(String method, String path, Function<String, String> headers) {
        if (!on) {
            return Span.getInvalid();
        }
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
        return tracer.spanBuilder(method + " " + path).setSpanKind(SpanKind.SERVER).setParent(parent)
                .setAttribute("http.request.method", method).setAttribute("url.path", path).startSpan();
    }

    /** @return the span made current on this thread until the scope closes; nothing to do when off */
    public Scope enter(Span span) {
        return on ? span.makeCurrent() : Scope.noop();
    }

    /** Starts the span of a pipeline stage, under the current span. */
    public Span startStage(String name) {
        return tracer.spanBuilder("sluice." + name).startSpan();
    }

    /**
     * Starts the span of one upstream attempt, named as the GenAI conventions ask
     * ({@code chat gpt-4o}).
     *
     * @param attempt   its number within its model group, from 0
     * @param fallback  whether it is in a fallback group
     */
    public Span startAttempt(Deployment deployment, ModelRequest request, int attempt, boolean fallback) {
        if (!on) {
            return Span.getInvalid();
        }
        String operation = operation(request);
        var span = tracer.spanBuilder(operation + " " + deployment.providerModel()).setSpanKind(SpanKind.CLIENT)
                .setAttribute(OPERATION, operation).setAttribute(PROVIDER, provider(deployment.provider()))
                .setAttribute(REQUEST_MODEL, deployment.providerModel())
                .setAttribute(DEPLOYMENT_ID, deployment.id()).setAttribute(MODEL_GROUP, deployment.modelGroup())
                .setAttribute(ATTEMPT, (long) attempt).setAttribute(FALLBACK, fallback);
        deployment.apiBase().ifPresent(base -> {
            try {
                URI uri = URI.create(base);
                if (uri.getHost() != null) {
                    span.setAttribute(SERVER_ADDRESS, uri.getHost());
                    if (uri.getPort() > 0) {
                        span.setAttribute(SERVER_PORT, (long) uri.getPort());
                    }
                }
            } catch (IllegalArgumentException notAUri) {
                // no server.address then
            }
        });
        JsonNode body = request.body();
        if (body.path("max_tokens").canConvertToLong()) {
            span.setAttribute(MAX_TOKENS, body.path("max_tokens").asLong());
        }
        if (body.path("temperature").isNumber()) {
            span.setAttribute(TEMPERATURE, body.path("temperature").asDouble());
        }
        if (body.path("top_p").isNumber()) {
            span.setAttribute(TOP_P, body.path("top_p").asDouble());
        }
        if (captureContent && body.has("messages")) {
            span.setAttribute(INPUT_MESSAGES, body.path("messages").toString());
        }
        return span.startSpan();
    }

    /** Ends an attempt's span with what the whole answer says. */
    public void answered(Span span, ModelResponse response) {
        if (!span.isRecording()) {
            span.end();
            return;
        }
        JsonNode body = response.body();
        if (body.path("model").isTextual()) {
            span.setAttribute(RESPONSE_MODEL, body.path("model").asText());
        }
        if (body.path("id").isTextual()) {
            span.setAttribute(RESPONSE_ID, body.path("id").asText());
        }
        List<String> reasons = new ArrayList<>();
        for (JsonNode choice : body.path("choices")) {
            if (choice.path("finish_reason").isTextual()) {
                reasons.add(choice.path("finish_reason").asText());
            }
        }
        if (!reasons.isEmpty()) {
            span.setAttribute(FINISH_REASONS, reasons);
        }
        response.usage().ifPresent(usage -> usage(span, usage));
        if (captureContent && body.has("choices")) {
            span.setAttribute(OUTPUT_MESSAGES, body.path("choices").toString());
        }
        span.end();
    }

    /** Ends a span with a failure. */
    public static void failed(Span span, GatewayException failure) {
        span.setAttribute(ERROR_TYPE, failure.kind().type());
        span.setStatus(StatusCode.ERROR, failure.kind().type());
        span.end();
    }

    /** @return the stream, ending the attempt's span when it ends with what its chunks said */
    public ChunkStream streamed(Span span, ChunkStream stream) {
        if (!span.isRecording()) {
            span.end(); // nothing to record: end it now rather than with the stream
            return stream;
        }
        return new ChunkStream() {
            private final List<String> reasons = new ArrayList<>();
            private boolean ended;

            @Override
            public ChatChunk next() {
                try {
                    ChatChunk chunk = stream.next();
                    if (chunk != null) {
                        chunk.usage().ifPresent(usage -> usage(span, usage));
                        JsonNode data = chunk.data();
                        if (data.path("model").isTextual()) {
                            span.setAttribute(RESPONSE_MODEL, data.path("model").asText());
                        }
                        for (JsonNode choice : data.path("choices")) {
                            if (choice.path("finish_reason").isTextual()) {
                                reasons.add(choice.path("finish_reason").asText());
                            }
                        }
                    }
                    return chunk;
                } catch (GatewayException e) {
                    if (!ended) {
                        ended = true;
                        failed(span, e);
                    }
                    throw e;
                }
            }

            @Override
            public void close() {
                try {
                    stream.close();
                } finally {
                    if (!ended) {
                        ended = true;
                        if (!reasons.isEmpty()) {
                            span.setAttribute(FINISH_REASONS, List.copyOf(reasons));
                        }
                        span.end();
                    }
                }
            }
        };
    }

    static void usage(Span span, Usage usage) {
        span.setAttribute(INPUT_TOKENS, usage.promptTokens());
        span.setAttribute(OUTPUT_TOKENS, usage.completionTokens());
    }

    /** @return the GenAI conventions' operation name */
    static String operation(ModelRequest request) {
        return switch (request) {
            case ChatRequest chat -> "chat";
            case CompletionRequest completion -> "text_completion";
            case EmbeddingRequest embedding -> "embeddings";
            case dev.sluice.api.EndpointRequest endpoint -> endpoint.operation().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** @return the GenAI conventions' provider name for a LiteLLM provider prefix */
    static String provider(String prefix) {
        return switch (prefix) {
            case "azure", "azure_ai" -> "azure.ai.openai";
            case "gemini" -> "gcp.gemini";
            case "vertex_ai" -> "gcp.vertex_ai";
            case "bedrock" -> "aws.bedrock";
            case "mistral" -> "mistral_ai";
            case "xai" -> "x_ai";
            default -> prefix;
        };
    }
}
