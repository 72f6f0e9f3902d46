package dev.sluice.server;

import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.Usage;
import dev.sluice.core.accounts.AccessFilter;
import dev.sluice.core.accounts.Account;
import dev.sluice.core.telemetry.AccountBudget;
import dev.sluice.core.cache.CacheFilter;
import dev.sluice.core.pipeline.GatewayCallContext;
import dev.sluice.core.routing.Router;
import dev.sluice.core.spend.SpendFilter;
import dev.sluice.core.telemetry.FinishedCall;
import dev.sluice.core.telemetry.Telemetry;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Finishes a call's observation with what its context says once its answer has been sent. */
final class FinishedCalls {

    private FinishedCalls() {
    }

    /**
     * @param observation     the call's observation
     * @param context         its context
     * @param operation       what was asked for when the request could not be read, e.g. {@code chat}
     * @param request         the request, null if it could not be read
     * @param status          the HTTP status the caller got
     * @param failure         why it failed, null if it did not
     * @param firstChunkAt    for a stream, {@link System#nanoTime()} when its first event came; -1 otherwise
     */
    static void finish(Telemetry.Observation observation, GatewayCallContext context, String operation,
                       ModelRequest request, int status, GatewayException failure, long firstChunkAt) {
        Optional<ModelRequest> read = Optional.ofNullable(request);
        FinishedCall call = new FinishedCall(context.callId(),
                read.map(r -> r.operation().name().toLowerCase(Locale.ROOT)).orElse(operation),
                read.map(ModelRequest::model), status, Optional.ofNullable(failure), context.principal(),
                context.attribute(AccessFilter.TEAM_ALIAS), read.flatMap(ModelRequest::user),
                context.attribute(Router.DEPLOYMENT), context.attribute(SpendFilter.USAGE).orElse(Usage.ZERO),
                context.attribute(SpendFilter.COST).orElse(BigDecimal.ZERO),
                context.attribute(CacheFilter.CACHE_HIT).isPresent(), System.nanoTime() - context.startNanos(),
                context.attribute(Router.UPSTREAM_NANOS).orElse(0L),
                firstChunkAt < 0 ? -1 : firstChunkAt - context.startNanos());
        List<AccountBudget> budgets = new ArrayList<>();
        for (Account account : context.attribute(AccessFilter.ACCOUNTS).orElse(List.of())) {
            account.maxBudget().ifPresent(max -> budgets.add(new AccountBudget(account.id(), max, account.spend())));
        }
        observation.finish(call, budgets);
    }
}
