package dev.sluice.core.spend;

import dev.sluice.api.ByteStream;
import dev.sluice.api.CallContext;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Deployment;
import dev.sluice.api.EndpointRequest;
import dev.sluice.api.FilterSlot;
import dev.sluice.api.GatewayException;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import dev.sluice.api.Principal;
import dev.sluice.api.Usage;
import dev.sluice.core.cache.CacheFilter;
import dev.sluice.core.keys.VirtualKeys;
import dev.sluice.core.routing.PromptSize;
import dev.sluice.core.routing.Router;
import dev.sluice.core.tokens.Tokens;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prices every admitted call from the usage its provider reported and hands the spend to the
 * {@link SpendLedger}, which journals it before the call answers. Streamed calls are charged like
 * plain ones: the stream is watched as it passes (the usage chunk the provider plugins deliver),
 * never buffered; a stream without one, or cut before it, is charged for the text it delivered.
 */
public final class SpendFilter implements GatewayFilter {

    private static final Logger LOG = LoggerFactory.getLogger(SpendFilter.class);

    /** The call's cost in USD, set once its spend is recorded, for stages that settle budgets. */
    public static final CallContext.Key<BigDecimal> COST = new CallContext.Key<>("cost", BigDecimal.class);

    /** The call's usage, set with {@link #COST}, for metrics and the request log. */
    public static final CallContext.Key<Usage> USAGE = new CallContext.Key<>("usage", Usage.class);

    /** The call's total tokens, set with {@link #COST}, for stages that count tokens per minute. */
    public static final CallContext.Key<Long> TOKENS = new CallContext.Key<>("tokens", Long.class);

    /**
     * The call type recorded, when the route says it is other than the request's operation (a
     * Responses API call answered by chat is {@code responses}).
     */
    public static final CallContext.Key<String> CALL_TYPE = new CallContext.Key<>("call_type", String.class);

    private final PriceBook prices;
    private final SpendLedger ledger;
    private final Clock clock;
    private final Set<String> unpriced = ConcurrentHashMap.newKeySet();

    /**
     * @param prices the price book
     * @param ledger where spend goes
     * @param clock  the time
     */
    public SpendFilter(PriceBook prices, SpendLedger ledger, Clock clock) {
        this.prices = prices;
        this.ledger = ledger;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "spend";
    }

    @Override
    public FilterSlot slot() {
        return FilterSlot.ADMIT;
    }

    @Override
    public ModelResult intercept(Chain chain) {
        ModelRequest request = chain.request();
        CallContext context = chain.context();
        ModelResult result;
        try {
            result = chain.proceed(request);
        } catch (GatewayException e) {
            ledger.record(record(request, context, "failure", Usage.ZERO));
            throw e;
        }
        return switch (result) {
            case ModelResponse response when request instanceof EndpointRequest endpoint
                    && endpoint.operation() == ModelRequest.Operation.RESPONSES -> {
                ReportedUsage reported = new ReportedUsage("openai"); // a native Responses API answer
                reported.answer(response.body());
                ledger.record(record(request, context, "success", reported.usage().orElse(Usage.ZERO)));
                yield response;
            }
            case ModelResponse response when request instanceof EndpointRequest endpoint -> {
                Usage usage = EndpointPricing.usage(response.body());
                Optional<Deployment> deployment = context.attribute(Router.DEPLOYMENT);
                ledger.record(record(request, context, "success", usage, deployment.map(d ->
                        EndpointPricing.cost(endpoint, response.body(), d, prices)).orElse(BigDecimal.ZERO)));
                yield response;
            }
            case ModelResponse response -> {
                ledger.record(record(request, context, "success", response.usage().orElse(Usage.ZERO)));
                yield response;
            }
            case ChunkStream stream -> new MeteredStream(stream, request, context);
            case ByteStream bytes when request instanceof EndpointRequest endpoint
                    && endpoint.operation() == ModelRequest.Operation.RESPONSES -> new MeteredEvents(bytes, request, context);
            case ByteStream bytes -> { // speech: priced by the request's characters once it is answered
                Optional<Deployment> deployment = context.attribute(Router.DEPLOYMENT);
                BigDecimal cost = request instanceof EndpointRequest endpoint ? deployment.map(d ->
                        EndpointPricing.cost(endpoint, bytes, d, prices)).orElse(BigDecimal.ZERO) : BigDecimal.ZERO;
                ledger.record(record(request, context, "success", Usage.ZERO, cost));
                yield bytes;
            }
        };
    }

    private SpendRecord record(ModelRequest request, CallContext context, String status, Usage usage) {
        Optional<Deployment> deployment = context.attribute(Router.DEPLOYMENT);
        return record(request, context, status, usage, deployment.map(d -> cost(d, usage)).orElse(BigDecimal.ZERO));
    }

    private SpendRecord record(ModelRequest request, CallContext context, String status, Usage usage, BigDecimal priced) {
        Optional<Deployment> deployment = context.attribute(Router.DEPLOYMENT);
        // A cached answer cost nothing upstream; its usage is kept in the log for what it saved.
        BigDecimal cost = context.attribute(CacheFilter.CACHE_HIT).isPresent() ? BigDecimal.ZERO : priced;
        context.attribute(COST, cost);
        context.attribute(TOKENS, usage.totalTokens());
        context.attribute(USAGE, usage);
        Optional<Principal> caller = context.principal();
        String keyToken = caller.map(Principal::subject).filter(VirtualKeys::isToken).orElse(null);
        return new SpendRecord(context.callId(), keyToken, caller.flatMap(Principal::keyAlias).orElse(null),
                caller.flatMap(Principal::userId).orElse(null), caller.flatMap(Principal::teamId).orElse(null),
                request.user().orElse(null),
                context.attribute(CALL_TYPE).orElse(request.operation().name().toLowerCase(Locale.ROOT)),
                deployment.map(Deployment::qualifiedModel).orElse(null), request.model(),
                deployment.map(Deployment::id).orElse(null), deployment.flatMap(Deployment::apiBase).orElse(null),
                status, usage.promptTokens(), usage.completionTokens(), usage.cachedPromptTokens(), cost,
                context.attribute(CacheFilter.CACHE_HIT).isPresent(),
                context.startedAt(), clock.instant());
    }

    private BigDecimal cost(Deployment deployment, Usage usage) {
        Optional<ModelPrice> price = prices.priceOf(deployment);
        if (price.isEmpty()) {
            if (unpriced.add(deployment.id())) {
                LOG.warn("No price for deployment {} ({}): its calls are recorded at $0. Set model_info."
                        + "input_cost_per_token and output_cost_per_token.", deployment.id(), deployment.qualifiedModel());
            }
            return BigDecimal.ZERO;
        }
        return price.get().cost(usage);
    }

    /**
     * Passes chunks on as they come and records the spend when the stream ends, before the
     * caller is told it has ended, or when it is closed early. The text it delivered is kept
     * aside (not the chunks), so a stream that ends without a usage chunk, or is cut, is charged
     * for what was delivered, counted with the tokenizer.
     */
    private final class MeteredStream implements ChunkStream {
        private final ChunkStream stream;
        private final ModelRequest request;
        private final CallContext context;
        private final StringBuilder delivered = new StringBuilder();
        private Usage usage;
        private boolean recorded;

        MeteredStream(ChunkStream stream, ModelRequest request, CallContext context) {
            this.stream = stream;
            this.request = request;
            this.context = context;
        }

        @Override
        public ChatChunk next() {
            ChatChunk chunk;
            try {
                chunk = stream.next();
            } catch (RuntimeException e) {
                end(delivered.isEmpty() ? "failure" : "interrupted");
                throw e;
            }
            if (chunk == null) {
                end("success");
            } else {
                chunk.usage().ifPresentOrElse(reported -> usage = reported, () -> DeliveredText.append(chunk, delivered));
            }
            return chunk;
        }

        @Override
        public void close() {
            try {
                stream.close();
            } finally {
                end(delivered.isEmpty() && usage == null ? "cancelled" : "interrupted");
            }
        }

        private void end(String status) {
            if (recorded) {
                return;
            }
            recorded = true;
            Usage charged = usage;
            if (charged == null) {
                charged = delivered.isEmpty() && !"success".equals(status) ? Usage.ZERO
                        : new Usage(PromptSize.tokens(request), Tokens.count(delivered), 0, 0);
            }
            ledger.record(record(request, context, status, charged));
        }
    }

    /**
     * A native Responses API stream, its events passed on as they come while the usage of its
     * {@code response.completed} event is read; recorded when the caller closes it (cut before
     * that event: recorded as interrupted, without usage).
     */
    private final class MeteredEvents implements ByteStream {
        private final ByteStream bytes;
        private final ModelRequest request;
        private final CallContext context;
        private final ReportedUsage reported = new ReportedUsage("openai");
        private final EventLines lines = new EventLines(EVENTS_JSON, reported::answer);
        private final java.io.InputStream body;
        private boolean recorded;

        MeteredEvents(ByteStream bytes, ModelRequest request, CallContext context) {
            this.bytes = bytes;
            this.request = request;
            this.context = context;
            this.body = new java.io.FilterInputStream(bytes.body()) {
                @Override
                public int read() throws java.io.IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws java.io.IOException {
                    int read = super.read(buffer, offset, length);
                    if (read > 0) {
                        lines.accept(buffer, offset, read);
                    }
                    return read;
                }
            };
        }

        @Override
        public String contentType() {
            return bytes.contentType();
        }

        @Override
        public java.io.InputStream body() {
            return body;
        }

        @Override
        public void close() {
            try {
                bytes.close();
            } finally {
                synchronized (this) {
                    if (!recorded) {
                        recorded = true;
                        lines.end();
                        Optional<Usage> usage = reported.usage();
                        ledger.record(record(request, context, usage.isPresent() ? "success" : "interrupted",
                                usage.orElse(Usage.ZERO)));
                    }
                }
            }
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper EVENTS_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
}
