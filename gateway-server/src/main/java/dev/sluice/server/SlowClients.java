package dev.sluice.server;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Cuts clients that send a request too slowly (slowloris), which would otherwise hold a
 * connection for ever: a request's headers must arrive within the header timeout after its
 * request line, and a body within the body timeout from its start. (Helidon's idle-connection
 * timeout, set to the header timeout, ends a request line that trickles and a connection that
 * sends nothing; it spares a connection once its request line is in.) A sweeper checks every
 * {@value #SWEEP_MILLIS} ms: late headers are ended by closing the connection, a late body by
 * interrupting the thread reading it, which closes the socket under it.
 */
final class SlowClients implements AutoCloseable {

    private static final long SWEEP_MILLIS = 250;

    private final long headerNanos;
    private final long bodyNanos;
    /** Per connection whose request line is in: when its headers are due. */
    private final Map<ConnectionContext, Long> headersDue = new ConcurrentHashMap<>();
    private final Map<Thread, Long> bodiesDue = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "sluice-slow-clients");
        thread.setDaemon(true);
        return thread;
    });

    SlowClients(Duration headers, Duration body) {
        this.headerNanos = headers.toNanos();
        this.bodyNanos = body.toNanos();
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** @return the listener that starts a request's header clock once its request line is in, and stops it */
    Http1ConnectionListener listener() {
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext connection, HttpPrologue prologue) {
                headersDue.put(connection, System.nanoTime() + headerNanos);
            }

            @Override
            public void headers(ConnectionContext connection, Headers headers) {
                headersDue.remove(connection);
            }
        };
    }

    /** A body being read on this thread, within the body timeout. */
    final class BodyWatch implements AutoCloseable {
        private final Thread reader = Thread.currentThread();

        private BodyWatch() {
            bodiesDue.put(reader, System.nanoTime() + bodyNanos);
        }

        /**
         * @return the error for a read that failed because the body came too late, if it did
         */
        GatewayException lateOr(GatewayException otherwise) {
            if (!bodiesDue.containsKey(reader) && Thread.interrupted()) {
                return GatewayException.of(ErrorKind.BAD_REQUEST, "The request body did not arrive within "
                        + Duration.ofNanos(bodyNanos).toSeconds() + " s (general_settings.request_body_timeout_seconds).");
            }
            return otherwise;
        }

        @Override
        public void close() {
            bodiesDue.remove(reader);
        }
    }

    /** @return a watch on the body the current thread is about to read */
    BodyWatch watchBody() {
        return new BodyWatch();
    }

    private void sweep() {
        long now = System.nanoTime();
        headersDue.forEach((connection, due) -> {
            if (!connection.serverSocket().isConnected()) {
                headersDue.remove(connection);
            } else if (now - due > 0) {
                headersDue.remove(connection);
                connection.serverSocket().close();
            }
        });
        bodiesDue.forEach((thread, due) -> {
            if (now - due > 0 && bodiesDue.remove(thread, due)) {
                thread.interrupt();
            }
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
