package dev.sluice.core.pipeline;

import dev.sluice.api.CallContext;
import dev.sluice.api.FilterChain;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The interceptor chain every model call passes through: built-in filters and plugin filters,
 * ordered by {@link dev.sluice.api.FilterSlot} and then by descending weight, in front of a
 * terminal stage (the router). Immutable and shared by all calls.
 */
public final class Pipeline {

    private static final Comparator<GatewayFilter> ORDER = Comparator
            .comparing(GatewayFilter::slot)
            .thenComparing(Comparator.comparingInt(GatewayFilter::weight).reversed());

    private final List<GatewayFilter> filters;
    private final FilterChain chain;

    /**
     * @param filters  the filters, in any order
     * @param terminal what answers at the end of the chain
     */
    public Pipeline(List<GatewayFilter> filters, FilterChain.Terminal terminal) {
        List<GatewayFilter> sorted = new ArrayList<>(filters);
        sorted.sort(ORDER);
        this.filters = List.copyOf(sorted);
        this.chain = new FilterChain(this.filters, terminal);
    }

    /** @return the filters in the order they run */
    public List<GatewayFilter> filters() {
        return filters;
    }

    /** Runs a call through the chain. */
    public ModelResult execute(ModelRequest request, CallContext context) {
        return chain.execute(request, context);
    }
}
