package dev.sluice.core.budget;

import dev.sluice.api.GatewayException;
import java.math.BigDecimal;
import java.util.function.Supplier;

/**
 * Spend and in-flight reservations per budget: {@link BudgetCounters} in process,
 * {@link RedisBudgets} shared by every replica, {@link FailoverBudgets} to go on when Redis fails.
 * A reservation is checked and taken in one step: it holds the most the call can cost, or, when
 * less than that is left, what is left (LiteLLM's reservation since v1.85, which admits a call
 * while spend is under {@code max_budget}); once spend and the holds of calls in flight reach the
 * budget, calls are refused. So concurrent calls cannot overshoot it together: at most the one
 * call admitted on the remainder can cost more than was left.
 */
public interface Budgets {

    /**
     * @param budget     which budget, e.g. {@code key:<token>}
     * @param what       the budget in words, for the error, e.g. {@code key sk-...x9Qa}
     * @param limit      the budget in USD
     * @param amount     the most the call can cost
     * @param spentSoFar the recorded spend, read when the budget is first used
     * @return the reservation, of {@code amount} or of what is left if that is less
     * @throws GatewayException {@code budget_exceeded} when nothing is left
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

    /** LiteLLM's status for a budget refusal ({@code litellm_settings.budget_exceeded_status_code} changes it). */
    int DEFAULT_STATUS = 422;

    /** @return the error for a call when nothing of the budget is left */
    static GatewayException exceeded(String what, BigDecimal spent, BigDecimal reserved, BigDecimal limit) {
        return new GatewayException(dev.sluice.api.ErrorKind.BUDGET_EXCEEDED, "budget_exceeded", DEFAULT_STATUS,
                "Budget has been exceeded for " + what + ": spend " + plain(spent) + " USD plus calls in flight "
                        + plain(reserved) + " USD have reached max_budget " + plain(limit) + " USD. Ask the "
                        + "budget's owner to raise it, or wait for its budget_duration to reset it.",
                null, null, null, null);
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }
}
