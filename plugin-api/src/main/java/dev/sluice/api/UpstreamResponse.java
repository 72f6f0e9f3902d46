package dev.sluice.api;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole upstream HTTP response.
 *
 * @param status  the HTTP status
 * @param headers response headers, names in lower case
 * @param body    the body
 */
public record UpstreamResponse(int status, Map<String, List<String>> headers, byte[] body) {

    /** Copies the headers. */
    public UpstreamResponse {
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    /** @return the first value of a header, looked up case-insensitively */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
}
