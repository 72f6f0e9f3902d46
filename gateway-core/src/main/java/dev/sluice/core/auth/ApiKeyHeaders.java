package dev.sluice.core.auth;

import dev.sluice.api.Headers;
import dev.sluice.api.Secret;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the caller's key in the headers LiteLLM accepts. {@code x-litellm-api-key} comes first:
 * it exists for callers whose {@code Authorization} header carries something else.
 */
public final class ApiKeyHeaders {

    /** The headers a key is read from, in order of precedence. */
    public static final List<String> NAMES = List.of(
            "x-litellm-api-key", "authorization", "api-key", "x-api-key", "x-goog-api-key");

    private ApiKeyHeaders() {
    }

    /** @return the key the caller presented, if any */
    public static Optional<Secret> find(Headers headers) {
        for (String name : NAMES) {
            Optional<String> value = headers.first(name).map(String::trim).filter(v -> !v.isEmpty());
            if (value.isPresent()) {
                String key = value.get();
                if (key.length() > 7 && key.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
                    key = key.substring(7).trim();
                }
                if (!key.isEmpty()) {
                    return Optional.of(new Secret(key));
                }
            }
        }
        return Optional.empty();
    }
}
