package dev.sluice.server;

import dev.sluice.api.Headers;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerRequestHeaders;
import java.util.List;
import java.util.Optional;

/** The plugin API's view of a Helidon request's headers. */
record RequestHeaders(ServerRequestHeaders headers) implements Headers {

    @Override
    public Optional<String> first(String name) {
        return headers.first(HeaderNames.create(name));
    }

    @Override
    public List<String> all(String name) {
        return headers.all(HeaderNames.create(name), List::of);
    }
}
