package dev.sluice.core.budget;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import java.math.BigDecimal;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Spend and in-flight reservations per budget, in process. A reservation succeeds only if spend,
 * all reservations in flight and the new one together stay within the budget, checked and taken
 * under one lock per budget, so concurrent calls cannot overshoot it.
 */
public final class BudgetCounters {

    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    /** A reservation to settle or release exactly once. */
    public final class Reservation {
        private final Counter counter;
        private final BigDecimal amount;
        private boolean done;

        private Reservation(Counter counter, BigDecimal amount) {
            this.counter = counter;
            this.amount = amount;
        }

        /** Replaces the reservation by the call's real cost. */
        public void settle(BigDecimal actual) {
            finish(actual);
        }

        /** Gives the reservation back: the call cost nothing. */
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

    /**
     * @param budget    which budget, e.g. {@code key:<token>}
     * @param what      the budget in words, for the error, e.g. {@code key sk-...x9Qa}
     * @param limit     the budget in USD
     * @param amount    the most the call can cost
     * @param spentSoFar the recorded spend, read once, when this budget is first used
     * @return the reservation
     * @throws GatewayException 400 {@code budget_exceeded} when it does not fit
     */
    public Reservation reserve(String budget, String what, BigDecimal limit, BigDecimal amount,
                               Supplier<BigDecimal> spentSoFar) {
        Counter counter = counters.computeIfAbsent(budget, id -> new Counter(spentSoFar.get()));
        counter.lock.lock();
        try {
            BigDecimal committed = counter.spent.add(counter.reserved);
            if (committed.add(amount).compareTo(limit) > 0) {
                throw new GatewayException(ErrorKind.BUDGET_EXCEEDED, "budget_exceeded", 400,
                        "Budget has been exceeded for " + what + ": spend " + counter.spent.stripTrailingZeros()
                                .toPlainString() + " USD plus calls in flight " + counter.reserved.stripTrailingZeros()
                                .toPlainString() + " USD leave no room for this call (up to " + amount.stripTrailingZeros()
                                .toPlainString() + " USD) within max_budget " + limit.stripTrailingZeros().toPlainString()
                                + " USD.", null, null, null, null);
            }
            counter.reserved = counter.reserved.add(amount);
            return new Reservation(counter, amount);
        } finally {
            counter.lock.unlock();
        }
    }

    /**
     * Starts a budget anew: its spend is read again from the record the next time it is used.
     * Calls in flight settle into the counter they reserved in, which is then no longer used.
     */
    public void reset(String budget) {
        counters.remove(budget);
    }

    /** @return the spend this process counts for a budget, settled calls included */
    public BigDecimal spent(String budget) {
        Counter counter = counters.get(budget);
        return counter == null ? BigDecimal.ZERO : counter.spent;
    }
}
