package dev.sluice.api;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Reads the {@code Retry-After} (and {@code retry-after-ms}) headers vendors send with 429s and 503s. */
public final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * @param retryAfterMs  the {@code retry-after-ms} header, if sent (preferred: it is more precise)
     * @param retryAfter    the {@code Retry-After} header: delay in seconds or an HTTP date
     * @param now           the current time, for HTTP dates
     * @return the delay, if either header held a usable value
     */
    public static Optional<Duration> parse(Optional<String> retryAfterMs, Optional<String> retryAfter, Instant now) {
        Optional<Duration> millis = retryAfterMs.flatMap(value -> number(value).map(ms -> Duration.ofMillis(ms.longValue())));
        if (millis.isPresent()) {
            return millis;
        }
        return retryAfter.flatMap(value -> number(value)
                .map(seconds -> Duration.ofMillis(Math.round(seconds * 1000)))
                .or(() -> date(value).map(at -> {
                    Duration delay = Duration.between(now, at);
                    return delay.isNegative() ? Duration.ZERO : delay;
                })));
    }

    private static Optional<Double> number(String value) {
        try {
            double parsed = Double.parseDouble(value.trim());
            return parsed >= 0 && Double.isFinite(parsed) ? Optional.of(parsed) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> date(String value) {
        try {
            return Optional.of(ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
