package dev.sluice.core.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.api.ByteStream;
import dev.sluice.api.CallContext;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.FilterSlot;
import dev.sluice.api.GatewayException;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import dev.sluice.api.Usage;
import dev.sluice.core.accounts.AccessFilter;
import dev.sluice.core.cache.CacheFilter;
import dev.sluice.core.guardrails.Guardrails;
import dev.sluice.core.pipeline.CallEnd;
import dev.sluice.core.routing.Router;
import dev.sluice.core.spend.DeliveredText;
import dev.sluice.core.spend.SpendFilter;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The pipeline stage that tells the loggers of every call that passes: it notes the answer (a
 * stream's delivered text as it passes, never holding the stream back) and, when the call has
 * ended, hands the call to the loggers' queues. Outermost but for tracing, so it sees refusals
 * by authentication and limits too, and the cost the spend stage settled.
 */
final class LoggingFilter implements GatewayFilter {

    private final Consumer<EndedCall> loggers;
    private final boolean withMessages;
    private final Clock clock;

    LoggingFilter(Consumer<EndedCall> loggers, boolean withMessages, Clock clock) {
        this.loggers = loggers;
        this.withMessages = withMessages;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "loggers";
    }

    @Override
    public FilterSlot slot() {
        return FilterSlot.OBSERVE;
    }

    @Override
    public ModelResult intercept(Chain chain) {
        ModelRequest request = chain.request();
        CallContext context = chain.context();
        ModelResult result;
        try {
            result = chain.proceed(request);
        } catch (GatewayException e) {
            ended(request, context, null, e, null);
            throw e;
        } catch (RuntimeException e) {
            ended(request, context, null, GatewayException.of(ErrorKind.INTERNAL, "The gateway failed: "
                    + e.getClass().getSimpleName()), null);
            throw e;
        }
        return switch (result) {
            case ModelResponse response -> {
                ended(request, context, withMessages ? response.body() : null, null, null);
                yield response;
            }
            case ChunkStream stream -> {
                LoggedStream observed = new LoggedStream(stream);
                yield CallEnd.onClose(observed, () -> ended(request, context, observed.text == null ? null
                        : TextNode.valueOf(observed.text.toString()), observed.failure, observed.firstChunkAt));
            }
            case ByteStream bytes -> CallEnd.onClose(bytes, () -> ended(request, context, null, null, null));
        };
    }

    private void ended(ModelRequest request, CallContext context, JsonNode answer, GatewayException failure,
                       Instant firstChunkAt) {
        ModelRequest logged = context.attribute(Guardrails.CHECKED_REQUEST).orElse(request);
        loggers.accept(new EndedCall(context.callId(), logged, Optional.ofNullable(answer),
                Optional.ofNullable(failure), context.principal(), context.attribute(AccessFilter.TEAM_ALIAS),
                context.attribute(Router.DEPLOYMENT), context.attribute(SpendFilter.USAGE).orElse(Usage.ZERO),
                context.attribute(SpendFilter.COST).orElse(BigDecimal.ZERO),
                context.attribute(CacheFilter.CACHE_HIT).isPresent(), context.attribute(SpendFilter.CALL_TYPE),
                context.clientAddress(), context.startedAt(), Optional.ofNullable(firstChunkAt), clock.instant()));
    }

    /** A stream noting its first chunk's time, its delivered text and a mid-stream failure as they pass. */
    private final class LoggedStream implements ChunkStream {
        private final ChunkStream stream;
        private final StringBuilder text = withMessages ? new StringBuilder() : null;
        private Instant firstChunkAt;
        private GatewayException failure;

        LoggedStream(ChunkStream stream) {
            this.stream = stream;
        }

        @Override
        public ChatChunk next() {
            ChatChunk chunk;
            try {
                chunk = stream.next();
            } catch (GatewayException e) {
                failure = e;
                throw e;
            }
            if (chunk != null) {
                if (firstChunkAt == null) {
                    firstChunkAt = clock.instant();
                }
                if (text != null) {
                    DeliveredText.append(chunk, text);
                }
            }
            return chunk;
        }

        @Override
        public void close() {
            stream.close();
        }
    }
}
