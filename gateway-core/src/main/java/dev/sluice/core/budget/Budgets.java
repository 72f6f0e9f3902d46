package dev.sluice.core.budget;

import dev.sluice.api.GatewayException;
import java.math.BigDecimal;
import java.util.function.Supplier;

/**
 * Spend and in-flight reservations per budget: {@link BudgetCounters} in process,
 * {@link RedisBudgets} shared by every replica, {@link FailoverBudgets} to go on when Redis fails.
 * A reservation succeeds only if spend, every reservation in flight and the new one together
 * stay within the budget, checked and taken in one step, so concurrent calls cannot overshoot it.
 */
public interface Budgets {

    /**
     * @param budget     which budget, e.g. {@code key:<token>}
     * @param what       the budget in words, for the error, e.g. {@code key sk-...x9Qa}
     * @param limit      the budget in USD
     * @param amount     the most the call can cost
     * @param spentSoFar the recorded spend, read when the budget is first used
     * @return the reservation
     * @throws GatewayException 400 {@code budget_exceeded} when it does not fit
     */
    Reservation reserve(String budget, String what, BigDecimal limit, BigDecimal amount, Supplier<BigDecimal> spentSoFar);

    /** Starts a budget anew: its spend is read again from the record the next time it is used. */
    void reset(String budget);

    /** A reservation to settle or release exactly once. */
    interface Reservation {

        /** Replaces the reservation by the call's real cost. */
        void settle(BigDecimal actual);

        /** Gives the reservation back: the call cost nothing. */
        void release();
    }

    /** @return the error for a call that does not fit */
    static GatewayException exceeded(String what, BigDecimal spent, BigDecimal reserved, BigDecimal amount,
                                     BigDecimal limit) {
        return new GatewayException(dev.sluice.api.ErrorKind.BUDGET_EXCEEDED, "budget_exceeded", 400,
                "Budget has been exceeded for " + what + ": spend " + plain(spent) + " USD plus calls in flight "
                        + plain(reserved) + " USD leave no room for this call (up to " + plain(amount)
                        + " USD) within max_budget " + plain(limit) + " USD.", null, null, null, null);
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }
}
