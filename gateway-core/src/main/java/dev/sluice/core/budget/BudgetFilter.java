package dev.sluice.core.budget;

import dev.sluice.api.CallContext;
import dev.sluice.api.Deployment;
import dev.sluice.api.FilterSlot;
import dev.sluice.api.GatewayException;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelResult;
import dev.sluice.core.accounts.AccessFilter;
import dev.sluice.core.accounts.Account;
import dev.sluice.core.pipeline.CallEnd;
import dev.sluice.core.routing.Fallbacks;
import dev.sluice.core.routing.ModelCatalog;
import dev.sluice.core.routing.Route;
import dev.sluice.core.routing.Router;
import dev.sluice.core.spend.PriceBook;
import dev.sluice.core.spend.SpendFilter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Holds every account of a call (key, team, team member or user, customer) to its budget: before
 * the upstream call it reserves the most the call can cost ({@link MaxCost}), or what is left of a
 * budget when that is less (as LiteLLM does, see {@link Budgets}), against each budget, all or
 * none; when the call ends it settles each to the real cost (set by the spend stage inside it), or
 * releases them if the call failed. Concurrent calls cannot overshoot together, because each one's
 * room is taken before it goes upstream; the most a call can cost is taken over every deployment
 * it may reach, its fallbacks' included. A call refused answers {@code budget_exceeded} with the
 * configured status (LiteLLM's {@code budget_exceeded_status_code}, 422 unless set).
 */
public final class BudgetFilter implements GatewayFilter {

    private final ModelCatalog catalog;
    private final Fallbacks fallbacks;
    private final PriceBook prices;
    private final Budgets counters;
    private final int refusalStatus;

    /**
     * @param catalog       the model groups, for the prices a call may be routed to
     * @param fallbacks     where a failed call may go next
     * @param prices        the price book
     * @param counters      the budgets' counters
     * @param refusalStatus the HTTP status of a refusal
     */
    public BudgetFilter(ModelCatalog catalog, Fallbacks fallbacks, PriceBook prices, Budgets counters,
                        int refusalStatus) {
        this.catalog = catalog;
        this.fallbacks = fallbacks;
        this.prices = prices;
        this.counters = counters;
        this.refusalStatus = refusalStatus;
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
        List<Account> budgeted = chain.context().attribute(AccessFilter.ACCOUNTS).orElse(List.of()).stream()
                .filter(account -> account.maxBudget().isPresent()).toList();
        if (budgeted.isEmpty()) {
            return chain.proceed(chain.request());
        }
        BigDecimal most = MaxCost.of(chain.request(), reachable(chain.request().model(),
                Router.ownFallbacks(chain.request())), prices);
        List<Budgets.Reservation> reservations = new ArrayList<>(budgeted.size());
        try {
            for (Account account : budgeted) {
                reservations.add(counters.reserve(account.id(), account.what(), account.maxBudget().get(), most,
                        account::spend));
            }
        } catch (GatewayException e) {
            reservations.forEach(Budgets.Reservation::release);
            throw e.status() == refusalStatus ? e : new GatewayException(e.kind(), e.type(), refusalStatus,
                    e.getMessage(), null, null, null, null);
        }
        return CallEnd.proceed(chain, () -> {
            BigDecimal cost = cost(chain.context());
            reservations.forEach(reservation -> reservation.settle(cost));
        }, () -> reservations.forEach(Budgets.Reservation::release));
    }

    private List<Deployment> reachable(String model, List<String> ownFallbacks) {
        Optional<ModelCatalog.ResolvedGroup> primary = catalog.resolve(model);
        if (primary.isEmpty()) {
            return List.of();
        }
        List<Deployment> deployments = new ArrayList<>();
        for (String group : fallbacks.reachableFrom(primary.get().asked(), primary.get().name(), ownFallbacks)) {
            catalog.resolve(group).ifPresent(resolved -> resolved.routes().stream().map(Route::deployment)
                    .forEach(deployments::add));
        }
        return deployments;
    }

    private static BigDecimal cost(CallContext context) {
        return context.attribute(SpendFilter.COST).orElse(BigDecimal.ZERO);
    }
}
