package dev.sluice.server;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * {@code json_logs: true}: every log line is one JSON object with {@code timestamp},
 * {@code level}, {@code logger} and {@code message} (and {@code stacktrace} for an exception).
 * The request log writes its own JSON lines.
 */
final class JsonLogFormatter extends Formatter {

    /** Puts this formatter on every handler of the root logger. */
    static void install() {
        JsonLogFormatter formatter = new JsonLogFormatter();
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            handler.setFormatter(formatter);
        }
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder out = new StringBuilder(256).append("{\"timestamp\":\"").append(Instant.ofEpochMilli(record.getMillis()))
                .append("\",\"level\":\"").append(level(record)).append("\",\"logger\":");
        quote(out, record.getLoggerName() == null ? "" : record.getLoggerName());
        out.append(",\"message\":");
        quote(out, formatMessage(record));
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            out.append(",\"stacktrace\":");
            quote(out, trace.toString());
        }
        return out.append("}\n").toString();
    }

    private static String level(LogRecord record) {
        return switch (record.getLevel().getName()) {
            case "SEVERE" -> "ERROR";
            case "WARNING" -> "WARN";
            case "FINE", "FINER", "FINEST" -> "DEBUG";
            default -> record.getLevel().getName();
        };
    }

    private static void quote(StringBuilder out, String text) {
        out.append('"').append(JsonStringEncoder.getInstance().quoteAsString(text)).append('"');
    }
}
