package dev.sluice.core.config;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A length of time as LiteLLM writes it for {@code duration} and {@code budget_duration}:
 * {@code 30s}, {@code 15m}, {@code 1h}, {@code 7d}, {@code 1mo} (calendar months, in UTC).
 *
 * @param amount how many units, at least 1
 * @param unit   seconds, minutes, hours, days or months
 */
public record TimeSpan(long amount, ChronoUnit unit) {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(s|m|h|d|mo)");

    /** @throws IllegalArgumentException for an amount below 1 or an unsupported unit */
    public TimeSpan {
        Objects.requireNonNull(unit, "unit");
        if (amount < 1) {
            throw new IllegalArgumentException("a time span must be at least 1 " + unit);
        }
    }

    /**
     * @param text e.g. {@code 30d}
     * @return the time span
     * @throws IllegalArgumentException with a message that says what is accepted
     */
    public static TimeSpan parse(String text) {
        Matcher matcher = FORMAT.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("expected a duration such as 30s, 15m, 1h, 7d or 1mo, got \""
                    + text + "\"");
        }
        ChronoUnit unit = switch (matcher.group(2)) {
            case "s" -> ChronoUnit.SECONDS;
            case "m" -> ChronoUnit.MINUTES;
            case "h" -> ChronoUnit.HOURS;
            case "d" -> ChronoUnit.DAYS;
            default -> ChronoUnit.MONTHS;
        };
        return new TimeSpan(Long.parseLong(matcher.group(1)), unit);
    }

    /** @return the instant this span after {@code start} */
    public Instant after(Instant start) {
        return unit == ChronoUnit.MONTHS
                ? start.atOffset(ZoneOffset.UTC).plusMonths(amount).toInstant()
                : start.plus(amount, unit);
    }

    @Override
    public String toString() {
        return amount + switch (unit) {
            case SECONDS -> "s";
            case MINUTES -> "m";
            case HOURS -> "h";
            case DAYS -> "d";
            default -> "mo";
        };
    }
}
