package dev.sluice.api;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP call a provider adapter asks the gateway's {@link HttpTransport} to make.
 *
 * @param method  the HTTP method, e.g. {@code POST}
 * @param uri     the absolute upstream URI
 * @param headers request headers; secrets in them never leave the transport
 * @param body    the request body, empty for none
 * @param timeout for a whole response: the time to receive it; for a stream: the longest wait
 *                for the next bytes
 */
public record UpstreamRequest(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout) {

    /** Copies the headers and rejects missing parts. */
    public UpstreamRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(timeout, "timeout");
    }

    /** @return a JSON {@code POST} with the given headers */
    public static UpstreamRequest postJson(URI uri, Map<String, String> headers, byte[] body, Duration timeout) {
        java.util.HashMap<String, String> all = new java.util.HashMap<>(headers);
        all.putIfAbsent("Content-Type", "application/json");
        return new UpstreamRequest("POST", uri, all, body, timeout);
    }
}
