package dev.sluice.core.budget;

import dev.sluice.api.CallContext;
import dev.sluice.api.Deployment;
import dev.sluice.api.FilterSlot;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelResult;
import dev.sluice.core.keys.KeyRecord;
import dev.sluice.core.keys.VirtualKeyAuth;
import dev.sluice.core.pipeline.CallEnd;
import dev.sluice.core.routing.ModelCatalog;
import dev.sluice.core.spend.PriceBook;
import dev.sluice.core.spend.SpendFilter;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * Holds each key to its {@code max_budget} exactly: before the upstream call it reserves the most
 * the call can cost ({@link MaxCost}); when the call ends it settles to the real cost (set by the
 * spend stage inside it), or releases the reservation if the call failed. Concurrent calls cannot
 * overshoot, because each one's room is taken before it goes upstream.
 */
public final class BudgetFilter implements GatewayFilter {

    private final VirtualKeyAuth keys;
    private final ModelCatalog catalog;
    private final PriceBook prices;
    private final BudgetCounters counters;

    /**
     * @param keys     the key lookups (cached)
     * @param catalog  the model groups, for the prices a call may be routed to
     * @param prices   the price book
     * @param counters the budgets' counters
     */
    public BudgetFilter(VirtualKeyAuth keys, ModelCatalog catalog, PriceBook prices, BudgetCounters counters) {
        this.keys = keys;
        this.catalog = catalog;
        this.prices = prices;
        this.counters = counters;
    }

    @Override
    public String name() {
        return "budget";
    }

    @Override
    public FilterSlot slot() {
        return FilterSlot.ADMIT;
    }

    @Override
    public int weight() {
        return 500;
    }

    @Override
    public ModelResult intercept(Chain chain) {
        Optional<KeyRecord> key = keys.callerKey(chain.context());
        if (key.isEmpty() || key.get().maxBudget().isEmpty()) {
            return chain.proceed(chain.request());
        }
        List<Deployment> deployments = catalog.group(chain.request().model()).orElse(List.of()).stream()
                .map(served -> served.config().deployment()).toList();
        BigDecimal most = MaxCost.of(chain.request(), deployments, prices);
        KeyRecord record = key.get();
        BudgetCounters.Reservation reservation = counters.reserve("key:" + record.token(), "key " + record.keyName(),
                record.maxBudget().get(), most, record::spend);
        return CallEnd.proceed(chain, () -> reservation.settle(cost(chain.context())), reservation::release);
    }

    private static BigDecimal cost(CallContext context) {
        return context.attribute(SpendFilter.COST).orElse(BigDecimal.ZERO);
    }
}
