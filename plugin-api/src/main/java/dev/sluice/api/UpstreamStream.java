package dev.sluice.api;

import java.io.InputStream;
import java.util.Optional;

/**
 * An upstream HTTP response whose body is read as it arrives. Closing it before the body ends
 * aborts the connection, which is how a client's disconnect cancels the upstream call.
 */
public interface UpstreamStream extends AutoCloseable {

    /** @return the HTTP status */
    int status();

    /** @return the first value of a header, looked up case-insensitively */
    Optional<String> header(String name);

    /**
     * @return the body as it arrives; a read that waits longer than the request's timeout fails
     *         with a {@link GatewayException} of kind {@link ErrorKind#TIMEOUT}
     */
    InputStream body();

    /** Releases or aborts the connection; idempotent, never throws. */
    @Override
    void close();
}
