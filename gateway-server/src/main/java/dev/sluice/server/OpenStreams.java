package dev.sluice.server;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams being written to callers, so that a shutdown can end the ones still open at the
 * end of its grace period properly: each gets an error event in its own format (the writers turn
 * the failure into one) instead of a connection cut mid-body, and its spend is recorded for what
 * was delivered.
 */
final class OpenStreams {

    private final Set<Tracked> open = ConcurrentHashMap.newKeySet();
    private volatile boolean ending;

    /** @return the stream, counted as open until it is closed */
    ChunkStream track(ChunkStream stream) {
        Tracked tracked = new Tracked(stream);
        open.add(tracked);
        if (ending) {
            tracked.inner.close();
        }
        return tracked;
    }

    /** @return how many streams are open */
    int count() {
        return open.size();
    }

    /**
     * Ends every open stream: the next chunk each would read becomes the shutdown error, and the
     * upstream calls are closed under the ones waiting for a chunk.
     */
    void endAll() {
        ending = true;
        open.forEach(stream -> stream.inner.close());
    }

    /** Waits until no stream is open or the time is up. */
    void awaitNone(Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!open.isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);
        }
    }

    private static GatewayException shuttingDown() {
        return new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, 503,
                "The gateway is shutting down and ended this stream; retry the request for the rest.", null, null,
                Duration.ofSeconds(1), null);
    }

    private final class Tracked implements ChunkStream {
        private final ChunkStream inner;

        Tracked(ChunkStream inner) {
            this.inner = inner;
        }

        @Override
        public ChatChunk next() {
            if (ending) {
                throw shuttingDown();
            }
            try {
                return inner.next();
            } catch (RuntimeException e) {
                if (ending) {
                    throw shuttingDown();
                }
                throw e;
            }
        }

        @Override
        public void close() {
            open.remove(this);
            inner.close();
        }
    }
}
