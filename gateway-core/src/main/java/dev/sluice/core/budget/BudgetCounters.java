package dev.sluice.core.budget;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import java.math.BigDecimal;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Spend and in-flight reservations per budget, in process: each budget's check and reservation
 * under one lock. The budgets of a single node, and of every replica while Redis is unreachable.
 */
public final class BudgetCounters implements Budgets {

    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    /** A reservation to settle or release exactly once. */
    public final class Reservation implements Budgets.Reservation {
        private final Counter counter;
        private final BigDecimal amount;
        private boolean done;

        private Reservation(Counter counter, BigDecimal amount) {
            this.counter = counter;
            this.amount = amount;
        }

        @Override
        public void settle(BigDecimal actual) {
            finish(actual);
        }

        @Override
        public void release() {
            finish(BigDecimal.ZERO);
        }

        private void finish(BigDecimal actual) {
            counter.lock.lock();
            try {
                if (!done) {
                    done = true;
                    counter.reserved = counter.reserved.subtract(amount);
                    counter.spent = counter.spent.add(actual);
                }
            } finally {
                counter.lock.unlock();
            }
        }
    }

    private static final class Counter {
        private final ReentrantLock lock = new ReentrantLock();
        private BigDecimal spent;
        private BigDecimal reserved = BigDecimal.ZERO;

        Counter(BigDecimal spent) {
            this.spent = spent;
        }
    }

    @Override
    public Reservation reserve(String budget, String what, BigDecimal limit, BigDecimal amount,
                               Supplier<BigDecimal> spentSoFar) {
        Counter counter = counters.computeIfAbsent(budget, id -> new Counter(spentSoFar.get()));
        counter.lock.lock();
        try {
            BigDecimal left = limit.subtract(counter.spent).subtract(counter.reserved);
            if (left.signum() <= 0) {
                throw Budgets.exceeded(what, counter.spent, counter.reserved, limit);
            }
            BigDecimal hold = amount.min(left);
            counter.reserved = counter.reserved.add(hold);
            return new Reservation(counter, hold);
        } finally {
            counter.lock.unlock();
        }
    }

    /** Calls in flight settle into the counter they reserved in, which is then no longer used. */
    @Override
    public void reset(String budget) {
        counters.remove(budget);
    }

    /** @return the spend this process counts for a budget, settled calls included */
    public BigDecimal spent(String budget) {
        Counter counter = counters.get(budget);
        return counter == null ? BigDecimal.ZERO : counter.spent;
    }
}
