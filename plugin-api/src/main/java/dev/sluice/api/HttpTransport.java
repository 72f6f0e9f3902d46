package dev.sluice.api;

/**
 * The gateway's HTTP client, handed to provider adapters: pooled connections, timeouts, TLS
 * settings and tracing are the gateway's business. Adapters make every upstream call through it
 * and never build an HTTP client of their own.
 *
 * <p>Both methods throw {@link GatewayException} of kind {@link ErrorKind#UPSTREAM_UNAVAILABLE}
 * when the upstream cannot be reached and {@link ErrorKind#TIMEOUT} when it does not answer in
 * time. Any HTTP status, errors included, is returned for the adapter to map.
 */
public interface HttpTransport {

    /**
     * @param request the call to make
     * @return the whole response
     */
    UpstreamResponse send(UpstreamRequest request);

    /**
     * @param request the call to make
     * @return the response, its body readable as it arrives; the caller must close it
     */
    UpstreamStream stream(UpstreamRequest request);
}
