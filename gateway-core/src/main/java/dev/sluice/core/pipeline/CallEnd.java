package dev.sluice.core.pipeline;

import dev.sluice.api.ByteStream;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;

/**
 * Runs the rest of the chain and acts when the call is over: at once for a whole response, on
 * close for a stream or bytes (which is when their usage and cost are known), or on failure.
 */
public final class CallEnd {

    private CallEnd() {
    }

    /**
     * @param chain     the rest of the chain
     * @param onEnd     what to do when the call has ended
     * @param onFailure what to do instead if it failed before answering
     * @return the rest's result, its stream wrapped to run {@code onEnd} on close
     */
    public static ModelResult proceed(GatewayFilter.Chain chain, Runnable onEnd, Runnable onFailure) {
        ModelResult result;
        try {
            result = chain.proceed(chain.request());
        } catch (RuntimeException e) {
            onFailure.run();
            throw e;
        }
        return switch (result) {
            case ModelResponse response -> {
                onEnd.run();
                yield response;
            }
            case ChunkStream stream -> onClose(stream, onEnd);
            case ByteStream bytes -> onClose(bytes, onEnd); // a Responses stream's usage is known at its end
        };
    }

    /** @return the bytes, running {@code then} once they have been closed (once only, however often closed) */
    public static ByteStream onClose(ByteStream bytes, Runnable then) {
        Runnable once = once(then);
        return new ByteStream() {
            @Override
            public String contentType() {
                return bytes.contentType();
            }

            @Override
            public java.io.InputStream body() {
                return bytes.body();
            }

            @Override
            public void close() {
                try {
                    bytes.close();
                } finally {
                    once.run();
                }
            }
        };
    }

    /** @return the stream, running {@code then} once it has been closed (once only, however often closed) */
    public static ChunkStream onClose(ChunkStream stream, Runnable then) {
        Runnable once = once(then);
        return new ChunkStream() {
            @Override
            public ChatChunk next() {
                return stream.next();
            }

            @Override
            public void close() {
                try {
                    stream.close();
                } finally {
                    once.run();
                }
            }
        };
    }

    /** Streams' {@code close} is idempotent; what runs on it must happen once all the same. */
    private static Runnable once(Runnable then) {
        java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (ran.compareAndSet(false, true)) {
                then.run();
            }
        };
    }
}
