package dev.sluice.core.telemetry;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.sluice.api.Deployment;
import dev.sluice.api.Principal;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per model call, {@value #LOGGER}: call id, key alias, team, model, deployment,
 * status, tokens, cost, duration, cache hit and error kind. Never a key, a secret or a word of
 * the messages. As JSON (one object per line, with {@code timestamp}, {@code level} and
 * {@code logger}) with {@code json_logs: true}, else as the other log lines' prefix and
 * {@code name=value} pairs.
 *
 * <p>The calling thread only queues the finished call; a background thread formats the lines
 * and writes them to standard error in batches, flushing when the queue is empty. Through the
 * logging framework, one line cost about 40 µs of CPU per call at saturation (its formatter and a
 * flush per line); this way it costs a few. The {@value #LOGGER} logger's level is honoured
 * (set it to WARNING to turn the lines off). Lines are dropped, and counted, when the writer
 * falls {@value #QUEUE} calls behind.
 */
public final class RequestLog implements AutoCloseable {

    /** The logger whose level turns the lines on and off. */
    public static final String LOGGER = "sluice.requests";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final int QUEUE = 65_536;
    private static final DateTimeFormatter TEXT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final boolean json;
    private final BlockingQueue<FinishedCall> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final Supplier<PrintStream> out;
    private final Thread writer;
    private volatile boolean closed;

    /** @param json whether lines are JSON objects */
    public RequestLog(boolean json) {
        this(json, () -> System.err);
    }

    /**
     * @param json whether lines are JSON objects
     * @param out  where lines go, looked up for every batch
     */
    RequestLog(boolean json, Supplier<PrintStream> out) {
        this.json = json;
        this.out = out;
        this.writer = Thread.ofPlatform().daemon().name("sluice-request-log").start(this::write);
    }

    /** Queues the call's line, if the logger is on. */
    public void log(FinishedCall call) {
        if (LOG.isInfoEnabled() && !queue.offer(call)) {
            dropped.incrementAndGet();
        }
    }

    private void write() {
        List<FinishedCall> batch = new ArrayList<>(256);
        StringBuilder lines = new StringBuilder(64 * 1024);
        while (!closed || !queue.isEmpty()) {
            try {
                FinishedCall first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 1023);
                long now = System.currentTimeMillis();
                for (FinishedCall call : batch) {
                    lines.append(json ? jsonLine(call, now) : textLine(call, now)).append('\n');
                }
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    lines.append(textPrefix(now, "WARNING")).append(lost)
                            .append(" request log lines were dropped: the log writer fell behind\n");
                }
                PrintStream stream = out.get();
                stream.print(lines);
                stream.flush();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("The request log could not write a batch: {}", e.toString());
            } finally {
                batch.clear();
                lines.setLength(0);
            }
        }
    }

    /** Writes what is queued and stops the writer. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String jsonLine(FinishedCall call, long now) {
        String fields = line(call);
        return "{\"timestamp\":\"" + Instant.ofEpochMilli(now) + "\",\"level\":\"INFO\",\"logger\":\"" + LOGGER + "\","
                + fields.substring(1);
    }

    private String textLine(FinishedCall call, long now) {
        return textPrefix(now, "INFO") + line(call);
    }

    private static String textPrefix(long now, String level) {
        return TEXT_TIME.format(Instant.ofEpochMilli(now)) + " " + level + " " + LOGGER + " - ";
    }

    /** @return the line for a call */
    String line(FinishedCall call) {
        Line line = json ? new JsonLine() : new TextLine();
        line.text("call_id", call.callId());
        line.text("operation", call.operation());
        line.text("model", call.requestedModel().orElse(null));
        line.text("deployment", call.deployment().map(Deployment::id).orElse(null));
        line.text("litellm_model_name", call.deployment().map(Deployment::qualifiedModel).orElse(null));
        line.text("key_alias", call.caller().flatMap(Principal::keyAlias).orElse(null));
        line.text("team", call.caller().flatMap(Principal::teamId).orElse(null));
        line.text("user", call.caller().flatMap(Principal::userId).orElse(null));
        line.number("status", call.status());
        line.number("prompt_tokens", call.usage().promptTokens());
        line.number("completion_tokens", call.usage().completionTokens());
        line.raw("cost", call.cost().toPlainString());
        line.raw("duration_ms", millis(call.totalNanos()));
        line.raw("overhead_ms", millis(call.overheadNanos()));
        line.raw("cache_hit", Boolean.toString(call.cacheHit()));
        line.text("error", call.failure().map(failure -> failure.kind().type()).orElse(null));
        return line.end();
    }

    /** @return nanoseconds as milliseconds with three decimals, without String.format's cost */
    static String millis(long nanos) {
        long micros = Math.max(0, nanos) / 1_000;
        long fraction = micros % 1_000;
        return (micros / 1_000) + "." + (fraction < 10 ? "00" : fraction < 100 ? "0" : "") + fraction;
    }

    private interface Line {
        void text(String name, String value);

        void number(String name, long value);

        void raw(String name, String value);

        String end();
    }

    private static final class JsonLine implements Line {
        private final StringBuilder out = new StringBuilder(384).append('{');

        @Override
        public void text(String name, String value) {
            if (value != null) {
                name(name).append('"').append(JsonStringEncoder.getInstance().quoteAsString(value)).append('"');
            }
        }

        @Override
        public void number(String name, long value) {
            name(name).append(value);
        }

        @Override
        public void raw(String name, String value) {
            name(name).append(value);
        }

        private StringBuilder name(String name) {
            if (out.length() > 1) {
                out.append(',');
            }
            return out.append('"').append(name).append("\":");
        }

        @Override
        public String end() {
            return out.append('}').toString();
        }
    }

    /** White space and quotes, which would break a {@code name=value} line apart. */
    private static final java.util.regex.Pattern UNSAFE_IN_TEXT = java.util.regex.Pattern.compile("[\\s\"]");

    private static final class TextLine implements Line {
        private final StringBuilder out = new StringBuilder(256);

        @Override
        public void text(String name, String value) {
            if (value != null) {
                raw(name, UNSAFE_IN_TEXT.matcher(value).replaceAll("_"));
            }
        }

        @Override
        public void number(String name, long value) {
            raw(name, Long.toString(value));
        }

        @Override
        public void raw(String name, String value) {
            if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append(name).append('=').append(value);
        }

        @Override
        public String end() {
            return out.toString();
        }
    }
}
