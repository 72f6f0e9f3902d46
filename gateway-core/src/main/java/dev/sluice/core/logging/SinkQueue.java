package dev.sluice.core.logging;

import dev.sluice.api.LogSink;
import dev.sluice.api.LoggedCall;
import dev.sluice.core.config.CallbackConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured callback's queue and the thread that empties it into its sink in batches. A
 * call offered to a full queue is dropped at once and counted: the call that ended never waits
 * for a logger.
 */
final class SinkQueue implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkQueue.class);
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);
    private static final Duration LAST_FLUSH = Duration.ofSeconds(10);

    private final CallbackConfig config;
    private final LogSink sink;
    private final LogOutcomes outcomes;
    private final BlockingQueue<LoggedCalls> queue;
    private final Thread sender;
    private volatile boolean closing;
    private long lastWarnedAt = -1;
    private long failedSinceWarned;

    SinkQueue(CallbackConfig config, LogSink sink, LogOutcomes outcomes) {
        this.config = config;
        this.sink = sink;
        this.outcomes = outcomes;
        this.queue = new ArrayBlockingQueue<>(config.queueSize());
        this.sender = Thread.ofPlatform().daemon().name("logger-" + config.name()).start(this::sendBatches);
    }

    /** @return the callback as configured */
    CallbackConfig config() {
        return config;
    }

    /** @return the calls waiting */
    int depth() {
        return queue.size();
    }

    /** Queues the call if this callback takes its kind of event; drops and counts it if the queue is full. */
    void offer(LoggedCalls call) {
        if (!config.events().contains(call.eventType())) {
            return;
        }
        if (closing || !queue.offer(call)) {
            outcomes.count(config.name(), LogOutcomes.DROPPED, 1);
        }
    }

    private void sendBatches() {
        List<LoggedCalls> batch = new ArrayList<>(config.batchSize());
        while (!closing || !queue.isEmpty()) {
            try {
                fill(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!batch.isEmpty()) {
                send(batch);
                batch.clear();
            }
        }
    }

    /** Waits for a first call, then for more until the batch is full or its first call has waited the flush interval. */
    private void fill(List<LoggedCalls> batch) throws InterruptedException {
        LoggedCalls first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
            return;
        }
        batch.add(first);
        long deadline = System.nanoTime() + config.flushInterval().toNanos();
        while (batch.size() < config.batchSize()) {
            queue.drainTo(batch, config.batchSize() - batch.size());
            long left = deadline - System.nanoTime();
            if (batch.size() >= config.batchSize() || left <= 0 || closing) {
                return;
            }
            LoggedCalls next = queue.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
            if (next != null) {
                batch.add(next);
            }
        }
    }

    private void send(List<LoggedCalls> batch) {
        List<LoggedCall> calls = new ArrayList<>(batch.size());
        try {
            for (LoggedCalls call : batch) {
                calls.add(call.logged());
            }
            sink.send(List.copyOf(calls));
            outcomes.count(config.name(), LogOutcomes.SENT, batch.size());
        } catch (Exception | LinkageError e) {
            outcomes.count(config.name(), LogOutcomes.FAILED, batch.size());
            warn(batch.size(), e);
        }
    }

    /** At most one line a minute per callback, however often its sink fails. */
    private void warn(int lost, Throwable failure) {
        failedSinceWarned += lost;
        long now = System.nanoTime();
        if (lastWarnedAt >= 0 && now - lastWarnedAt < WARN_EVERY.toNanos()) {
            return;
        }
        LOG.warn("Logger '{}' ({}) did not take {} calls since the last warning: {}", config.name(), config.type(),
                failedSinceWarned, failure.toString());
        lastWarnedAt = now;
        failedSinceWarned = 0;
    }

    /** Sends what is queued (for at most ten seconds), then closes the sink. */
    @Override
    public void close() {
        closing = true;
        try {
            sender.join(LAST_FLUSH.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sender.isAlive()) {
            sender.interrupt();
            LOG.warn("Logger '{}' did not send its last {} calls before shut-down", config.name(), queue.size());
            outcomes.count(config.name(), LogOutcomes.DROPPED, queue.size());
        }
        try {
            sink.close();
        } catch (RuntimeException e) {
            LOG.warn("Logger '{}' failed to close: {}", config.name(), e.toString());
        }
    }
}
