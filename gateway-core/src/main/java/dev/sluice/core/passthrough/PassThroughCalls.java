package dev.sluice.core.passthrough;

import dev.sluice.api.GatewayException;
import dev.sluice.api.Principal;
import dev.sluice.api.Usage;
import dev.sluice.core.accounts.AccessFilter;
import dev.sluice.core.accounts.Account;
import dev.sluice.core.budget.Budgets;
import dev.sluice.core.config.PassThroughEndpoint;
import dev.sluice.core.keys.VirtualKeys;
import dev.sluice.core.pipeline.GatewayCallContext;
import dev.sluice.core.spend.PriceBook;
import dev.sluice.core.spend.ReportedUsage;
import dev.sluice.core.spend.SpendLedger;
import dev.sluice.core.spend.SpendRecord;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Governance of calls forwarded untranslated: the caller's key, team and user budgets hold them
 * as model calls (a call is refused once a budget is spent; it holds nothing in advance, since
 * what a foreign endpoint costs is known only from its answer), and each call is recorded in the
 * spend logs as {@code pass_through_endpoint}, priced from the usage the vendor reported, else at
 * its route's cost per request, and settled into the budgets.
 */
public final class PassThroughCalls {

    private final AccessFilter access;
    private final Budgets budgets;
    private final int refusalStatus;
    private final SpendLedger ledger;
    private final PriceBook prices;
    private final Clock clock;

    /**
     * @param access        who the caller answers to
     * @param budgets       the budgets' counters
     * @param refusalStatus the status of a budget refusal
     * @param ledger        the spend logs
     * @param prices        the price book
     * @param clock         the clock
     */
    public PassThroughCalls(AccessFilter access, Budgets budgets, int refusalStatus, SpendLedger ledger,
                            PriceBook prices, Clock clock) {
        this.access = access;
        this.budgets = budgets;
        this.refusalStatus = refusalStatus;
        this.ledger = ledger;
        this.prices = prices;
        this.clock = clock;
    }

    /**
     * Admits a call: refuses it when a budget of the caller is spent.
     *
     * @param context the call, its caller authenticated (none on a route open to all)
     * @return the admission, to finish once the call has ended
     * @throws GatewayException {@code budget_exceeded}, or 401 for a key whose team is blocked or gone
     */
    public Admission admit(GatewayCallContext context) {
        List<Budgets.Reservation> held = new ArrayList<>();
        try {
            // a route open to all (auth: false) has no caller to hold; its calls are still logged
            List<Account> accounts = context.principal().isEmpty() ? List.of() : access.accountsOf(context);
            for (Account account : accounts) {
                if (account.maxBudget().isPresent()) {
                    held.add(budgets.reserve(account.id(), account.what(), account.maxBudget().get(), BigDecimal.ZERO,
                            account::spend));
                }
            }
        } catch (GatewayException e) {
            held.forEach(Budgets.Reservation::release);
            throw e.status() == refusalStatus ? e : new GatewayException(e.kind(), e.type(), refusalStatus,
                    e.getMessage(), null, null, null, null);
        }
        return new Admission(context, held);
    }

    /** An admitted call: finished exactly once, which records and settles it. */
    public final class Admission {
        private final GatewayCallContext context;
        private final List<Budgets.Reservation> held;
        private boolean finished;

        private Admission(GatewayCallContext context, List<Budgets.Reservation> held) {
            this.context = context;
            this.held = held;
        }

        /**
         * @param endpoint the route
         * @param path     the path called upstream, for the log's model group
         * @param usage    what the vendor reported
         * @param status   {@code success} or {@code failure}
         * @return the call's cost
         */
        public synchronized BigDecimal finish(PassThroughEndpoint endpoint, String path, ReportedUsage usage,
                                              String status) {
            if (finished) {
                return BigDecimal.ZERO;
            }
            finished = true;
            Optional<Usage> reported = usage.usage();
            Optional<String> model = usage.model();
            BigDecimal cost = BigDecimal.ZERO;
            if (endpoint.costPerRequest().signum() > 0 && status.equals("success")) {
                cost = endpoint.costPerRequest();
            } else if (reported.isPresent() && model.isPresent() && endpoint.vendor().isPresent()) {
                cost = prices.priceOf(endpoint.vendor().get(), model.get()).map(price -> price.cost(reported.get()))
                        .orElse(BigDecimal.ZERO);
            }
            BigDecimal charged = cost;
            held.forEach(reservation -> reservation.settle(charged));
            Optional<Principal> caller = context.principal();
            Usage counted = reported.orElse(Usage.ZERO);
            ledger.record(new SpendRecord(context.callId(), caller.map(Principal::subject).filter(VirtualKeys::isToken)
                    .orElse(null), caller.flatMap(Principal::keyAlias).orElse(null),
                    caller.flatMap(Principal::userId).orElse(null), caller.flatMap(Principal::teamId).orElse(null), null,
                    "pass_through_endpoint", model.map(name -> endpoint.vendor().map(v -> v + "/" + name).orElse(name))
                    .orElse(null), endpoint.path() + path, null, endpoint.target().toString(), status,
                    counted.promptTokens(), counted.completionTokens(), counted.cachedPromptTokens(), cost, false,
                    context.startedAt(), clock.instant()));
            return cost;
        }
    }
}
