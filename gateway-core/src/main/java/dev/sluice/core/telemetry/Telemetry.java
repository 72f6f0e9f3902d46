package dev.sluice.core.telemetry;

import dev.sluice.api.ChunkStream;
import dev.sluice.api.FilterChain;
import dev.sluice.api.FilterSlot;
import dev.sluice.api.GatewayException;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelResult;
import dev.sluice.core.pipeline.CallEnd;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What the gateway tells operators about its calls: spans ({@link Tracing}), Prometheus metrics
 * ({@link GatewayMetrics}) and the request log ({@link RequestLog}); the loggers and alerts the
 * gateway also tells are {@code logging} and {@code alerting}. The HTTP layer starts an
 * {@link Observation} when a model call arrives and finishes it when the answer has been sent.
 */
public final class Telemetry implements AutoCloseable {

    private final Tracing tracing;
    private final GatewayMetrics metrics;
    private final RequestLog requestLog;

    /**
     * @param tracing    the spans; closed with this
     * @param metrics    the metrics
     * @param requestLog the request log
     */
    public Telemetry(Tracing tracing, GatewayMetrics metrics, RequestLog requestLog) {
        this.tracing = tracing;
        this.metrics = metrics;
        this.requestLog = requestLog;
    }

    /** @return the spans */
    public Tracing tracing() {
        return tracing;
    }

    /** @return the metrics */
    public GatewayMetrics metrics() {
        return metrics;
    }

    /**
     * Starts observing a model call: its server span (made current on this thread until the
     * observation finishes) and the in-flight gauge.
     */
    public Observation start(String method, String path, Function<String, String> headers) {
        metrics.started();
        Span span = tracing.startRequest(method, path, headers);
        return new Observation(span, tracing.enter(span));
    }

    /**
     * @param filters  the pipeline's filters
     * @return them, each in a span of its own when tracing is on
     */
    public List<GatewayFilter> traced(List<GatewayFilter> filters) {
        if (!tracing.on()) {
            return filters;
        }
        List<GatewayFilter> traced = new ArrayList<>(filters.size());
        filters.forEach(filter -> traced.add(new TracedFilter(filter, tracing)));
        return traced;
    }

    /** @return the terminal stage, in a span of its own when tracing is on */
    public FilterChain.Terminal traced(FilterChain.Terminal terminal) {
        if (!tracing.on()) {
            return terminal;
        }
        return (request, context) -> {
            Span span = tracing.startStage("router");
            return inSpan(span, () -> terminal.answer(request, context));
        };
    }

    /** Runs a stage in its span; a stream's span ends with the stream. */
    static ModelResult inSpan(Span span, java.util.function.Supplier<ModelResult> stage) {
        ModelResult result;
        try (Scope ignored = span.makeCurrent()) {
            result = stage.get();
        } catch (GatewayException e) {
            Tracing.failed(span, e);
            throw e;
        } catch (RuntimeException e) {
            span.recordException(e);
            span.end();
            throw e;
        }
        if (result instanceof ChunkStream stream) {
            return CallEnd.onClose(stream, span::end);
        }
        span.end();
        return result;
    }

    @Override
    public void close() {
        requestLog.close();
        tracing.close(); // flushes what is still queued
    }

    /** One call being observed; finish it exactly once, on the thread that started it. */
    public final class Observation {
        private final Span span;
        private final Scope scope;
        private boolean finished;

        private Observation(Span span, Scope scope) {
            this.span = span;
            this.scope = scope;
        }

        /** @return whether {@link #finish} has been called */
        public boolean finished() {
            return finished;
        }

        /**
         * Records the finished call: metrics, the request log line, the server span's attributes.
         *
         * @param call     what it came to
         * @param budgets  the budgets it was charged to, for the remaining-budget gauges
         */
        public void finish(FinishedCall call, List<AccountBudget> budgets) {
            if (finished) {
                return;
            }
            finished = true;
            try {
                metrics.finished(call, budgets);
                requestLog.log(call);
                if (span.isRecording()) {
                    CallSpan.describe(span, call);
                }
            } finally {
                span.end();
                scope.close();
            }
        }
    }

    /** A pipeline filter in a span of its own. */
    private record TracedFilter(GatewayFilter filter, Tracing tracing) implements GatewayFilter {
        @Override
        public String name() {
            return filter.name();
        }

        @Override
        public FilterSlot slot() {
            return filter.slot();
        }

        @Override
        public int weight() {
            return filter.weight();
        }

        @Override
        public ModelResult intercept(Chain chain) {
            Span span = tracing.startStage("filter." + filter.name());
            return inSpan(span, () -> filter.intercept(chain));
        }
    }
}
