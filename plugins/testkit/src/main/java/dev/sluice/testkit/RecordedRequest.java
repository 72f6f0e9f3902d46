package dev.sluice.testkit;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request a fake upstream received.
 *
 * @param method  the HTTP method
 * @param path    the path, query included
 * @param headers the headers, names in lower case
 * @param body    the body
 */
public record RecordedRequest(String method, String path, Map<String, List<String>> headers, byte[] body) {

    /** @return the first value of a header, looked up case-insensitively */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** @return the body as UTF-8 text */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
