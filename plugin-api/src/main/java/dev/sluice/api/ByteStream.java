package dev.sluice.api;

import java.io.InputStream;

/**
 * An answer of bytes rather than JSON (speech audio), passed to the caller as the upstream sends
 * it, never buffered whole.
 *
 * <p>{@link #close()} must be called exactly when the consumer is done, whether the bytes ended or
 * not; closing early (the client went away) cancels the upstream call.
 *
 * @since 1.3.0
 */
public non-sealed interface ByteStream extends ModelResult, AutoCloseable {

    /** @return the bytes' media type, e.g. {@code audio/mpeg} */
    String contentType();

    /** @return the bytes, read as they arrive */
    InputStream body();

    /** Releases the upstream connection; idempotent, never throws. */
    @Override
    void close();

    /**
     * @param contentType the media type
     * @param upstream    the upstream's stream, closed with this one
     * @return the upstream's body as an answer of bytes
     */
    static ByteStream of(String contentType, UpstreamStream upstream) {
        return new ByteStream() {
            @Override
            public String contentType() {
                return contentType;
            }

            @Override
            public InputStream body() {
                return upstream.body();
            }

            @Override
            public void close() {
                upstream.close();
            }
        };
    }
}
