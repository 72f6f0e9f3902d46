package dev.sluice.testkit;

import dev.sluice.api.Headers;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Request headers for tests: none, or given ones, looked up case-insensitively. */
public final class TestHeaders {

    private TestHeaders() {
    }

    /** @return no headers */
    public static Headers none() {
        return of(Map.of());
    }

    /** @return these headers, one value each */
    public static Headers of(Map<String, String> values) {
        return new Headers() {
            @Override
            public Optional<String> first(String name) {
                return values.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(name))
                        .map(Map.Entry::getValue).findFirst();
            }

            @Override
            public List<String> all(String name) {
                return first(name).map(List::of).orElse(List.of());
            }
        };
    }
}
