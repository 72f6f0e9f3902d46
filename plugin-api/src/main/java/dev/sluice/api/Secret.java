package dev.sluice.api;

import java.util.Objects;

/**
 * A credential (provider API key, master key, virtual key). Its {@link #toString()} never shows the
 * value, so a secret that reaches a log line, an exception message or a span shows as redacted.
 *
 * @param value the plain secret; read it only to put it on the wire
 */
public record Secret(String value) {

    /** @throws NullPointerException if value is null */
    public Secret {
        Objects.requireNonNull(value, "value");
    }

    /** @return whether the secret is empty */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}
