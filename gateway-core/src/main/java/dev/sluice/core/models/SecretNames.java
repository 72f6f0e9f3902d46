package dev.sluice.core.models;

import java.util.List;
import java.util.Locale;

/** Which {@code litellm_params} hold credentials, so listings can leave them out. */
public final class SecretNames {

    private static final List<String> SECRET_WORDS = List.of("key", "secret", "token", "password", "credential");

    private SecretNames() {
    }

    /** @return whether a parameter's name says it holds a credential ({@code api_key}, {@code aws_secret_access_key}, ...) */
    public static boolean looksSecret(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(lower::contains);
    }
}
