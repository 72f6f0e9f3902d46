package dev.sluice.core.budget;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resets budgets whose {@code budget_duration} window has ended, once a minute, for every kind of
 * account (keys, teams and their members, users, customers): the stored spend goes back to 0 and
 * this process's budget counters and caches forget the old window. Spend of the old window still
 * waiting to be written lands in the new one.
 */
public final class BudgetResets implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BudgetResets.class);
    private static final Duration INTERVAL = Duration.ofMinutes(1);

    private final List<Supplier<List<String>>> sources;
    private final Budgets counters;
    private volatile boolean closed;
    private volatile Thread thread;

    /**
     * @param sources  each resets what is due of one kind (announcing it to the caches) and
     *                 returns the account ids reset, e.g. {@code team:<id>}
     * @param counters this process's counters
     */
    public BudgetResets(List<Supplier<List<String>>> sources, Budgets counters) {
        this.sources = List.copyOf(sources);
        this.counters = counters;
    }

    /** Resets what is due now. @return how many budgets were reset */
    public int runOnce() {
        int reset = 0;
        for (Supplier<List<String>> source : sources) {
            for (String account : source.get()) {
                counters.reset(account);
                reset++;
            }
        }
        return reset;
    }

    /** Starts resetting once a minute on a background thread. */
    public BudgetResets start() {
        thread = Thread.ofVirtual().name("sluice-budget-resets").start(() -> {
            while (!closed) {
                LockSupport.parkNanos(INTERVAL.toNanos());
                try {
                    if (!closed) {
                        int reset = runOnce();
                        if (reset > 0) {
                            LOG.info("Started a new budget window for {} accounts", reset);
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Budget resets failed, will retry in a minute: {}", e.toString());
                }
            }
        });
        return this;
    }

    @Override
    public void close() {
        closed = true;
        Thread running = thread;
        if (running != null) {
            LockSupport.unpark(running);
        }
    }
}
