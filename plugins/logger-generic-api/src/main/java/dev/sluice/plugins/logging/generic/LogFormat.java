package dev.sluice.plugins.logging.generic;

import java.util.Locale;
import java.util.Optional;

/** How a batch is sent: LiteLLM's {@code log_format}. */
enum LogFormat {
    /** One POST per batch, a JSON array of the calls' payloads. */
    JSON_ARRAY,
    /** One POST per batch, a line of JSON per call. */
    NDJSON,
    /** One POST per call, its payload. */
    SINGLE;

    static Optional<LogFormat> named(String name) {
        for (LogFormat format : values()) {
            if (format.name().toLowerCase(Locale.ROOT).equals(name.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
