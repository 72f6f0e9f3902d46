package dev.sluice.core.store;

/**
 * How a column of a governance table is stored and shown: the Java value a {@link Table} binds and
 * the JSON value it reads back (which is also what the admin API answers with).
 */
public enum ColumnType {
    /** Text; JSON string. */
    TEXT,
    /** Money in USD, {@code numeric}; {@link java.math.BigDecimal}, JSON number. */
    AMOUNT,
    /** A whole number; {@link Long}, JSON number. */
    COUNT,
    /** true or false. */
    BOOL,
    /** A {@link dev.sluice.core.keys.TimeSpan} such as {@code 30d}, stored as its text. */
    SPAN,
    /** A point in time, {@code timestamp with time zone}; {@link java.time.Instant}, ISO-8601 text. */
    TIME,
    /** A list of strings, stored as JSON text; JSON array. */
    STRINGS,
    /** A JSON object, stored as JSON text. */
    OBJECT
}
