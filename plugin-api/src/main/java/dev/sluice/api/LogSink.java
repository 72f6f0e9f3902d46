package dev.sluice.api;

import java.io.IOException;
import java.util.List;

/**
 * One configured callback's destination, opened by a {@link CallLogger}. The gateway calls
 * {@link #send} from one thread of its own, one batch at a time, never from a model call's thread.
 *
 * @since 1.4.0
 */
public interface LogSink extends AutoCloseable {

    /**
     * Delivers a batch of calls. Throw when the destination did not take it (an HTTP status other
     * than 2xx, a connection refused): the gateway counts the batch's calls as failed and logs the
     * exception's message (keep secrets out of it); it does not send the batch again.
     *
     * @param batch one or more calls, oldest first
     * @throws Exception when the batch was not delivered
     */
    void send(List<LoggedCall> batch) throws Exception;

    /**
     * Sends a request to the sink's destination and insists on a 2xx answer: what every sink's
     * {@link #send} ends with.
     *
     * @return the answer
     * @throws IOException naming the destination's host only (its path or query may hold a token) and
     *                     the status, or that it could not be reached
     */
    static UpstreamResponse deliver(HttpTransport transport, UpstreamRequest request) throws IOException {
        UpstreamResponse answer;
        try {
            answer = transport.send(request);
        } catch (GatewayException e) {
            throw new IOException(request.uri().getHost() + " could not be reached (" + e.kind() + ")");
        }
        if (answer.status() / 100 != 2) {
            throw new IOException(request.uri().getHost() + " answered HTTP " + answer.status());
        }
        return answer;
    }

    /** Called once when the gateway stops, after the last batch. */
    @Override
    default void close() {
    }
}
