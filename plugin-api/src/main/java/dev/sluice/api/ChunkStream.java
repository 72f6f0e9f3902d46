package dev.sluice.api;

/**
 * A streamed answer, pulled chunk by chunk. On the gateway's virtual threads a blocking
 * {@link #next()} is the natural shape: the server writes and flushes each chunk as soon as it is
 * returned, so nothing is buffered between the upstream and the client.
 *
 * <p>{@link #close()} must be called exactly when the consumer is done, whether the stream ended
 * or not; closing early (the client went away) cancels the upstream call.
 */
public non-sealed interface ChunkStream extends ModelResult, AutoCloseable {

    /**
     * @return the next chunk, or {@code null} when the stream has ended normally
     * @throws GatewayException if the stream failed; the error is reported to the client
     */
    ChatChunk next();

    /** Releases the upstream connection; idempotent, never throws. */
    @Override
    void close();
}
