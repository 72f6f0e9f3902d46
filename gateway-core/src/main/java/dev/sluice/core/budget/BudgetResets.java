package dev.sluice.core.budget;

import dev.sluice.core.keys.KeyService;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resets key budgets whose {@code budget_duration} window has ended, once a minute: the stored
 * spend goes back to 0 and this process's budget counters and key cache forget the old window.
 * Spend of the old window still waiting to be written lands in the new one.
 */
public final class BudgetResets implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BudgetResets.class);
    private static final Duration INTERVAL = Duration.ofMinutes(1);

    private final KeyService keys;
    private final BudgetCounters counters;
    private volatile boolean closed;
    private volatile Thread thread;

    /**
     * @param keys     where budgets are stored
     * @param counters this process's counters
     */
    public BudgetResets(KeyService keys, BudgetCounters counters) {
        this.keys = keys;
        this.counters = counters;
    }

    /** Resets what is due now. @return how many budgets were reset */
    public int runOnce() {
        int reset = 0;
        for (String token : keys.resetDueBudgets()) {
            counters.reset("key:" + token);
            reset++;
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
                            LOG.info("Started a new budget window for {} keys", reset);
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
