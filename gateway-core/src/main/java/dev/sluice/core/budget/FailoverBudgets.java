package dev.sluice.core.budget;

import dev.sluice.api.GatewayException;
import java.math.BigDecimal;
import java.util.function.Supplier;

/**
 * Budgets in Redis while it answers, in process while it does not: a Redis failure never fails a
 * call. While Redis is down each replica holds the budgets alone (so together they may spend up
 * to one budget's room per replica); Redis takes over again on the next call after it is back.
 */
public final class FailoverBudgets implements Budgets {

    private final Budgets shared;
    private final Budgets local;

    /**
     * @param shared the Redis-backed budgets
     * @param local  the in-process ones
     */
    public FailoverBudgets(Budgets shared, Budgets local) {
        this.shared = shared;
        this.local = local;
    }

    @Override
    public Reservation reserve(String budget, String what, BigDecimal limit, BigDecimal amount,
                               Supplier<BigDecimal> spentSoFar) {
        try {
            return shared.reserve(budget, what, limit, amount, spentSoFar);
        } catch (GatewayException exceeded) {
            throw exceeded;
        } catch (RuntimeException redisFailed) {
            return local.reserve(budget, what, limit, amount, spentSoFar);
        }
    }

    @Override
    public void reset(String budget) {
        local.reset(budget);
        try {
            shared.reset(budget);
        } catch (RuntimeException redisFailed) {
            // a budget Redis still holds is read afresh within a day, when its entry expires
        }
    }
}
