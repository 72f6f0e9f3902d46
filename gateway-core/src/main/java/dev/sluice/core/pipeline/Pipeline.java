package dev.sluice.core.pipeline;

import dev.sluice.api.CallContext;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

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
    private final BiFunction<ModelRequest, CallContext, ModelResult> terminal;

    /**
     * @param filters  the filters, in any order
     * @param terminal what answers at the end of the chain
     */
    public Pipeline(List<GatewayFilter> filters, BiFunction<ModelRequest, CallContext, ModelResult> terminal) {
        List<GatewayFilter> sorted = new ArrayList<>(filters);
        sorted.sort(ORDER);
        this.filters = List.copyOf(sorted);
        this.terminal = Objects.requireNonNull(terminal, "terminal");
    }

    /** @return the filters in the order they run */
    public List<GatewayFilter> filters() {
        return filters;
    }

    /** Runs a call through the chain. */
    public ModelResult execute(ModelRequest request, CallContext context) {
        return new Link(0, request, context).proceed(request);
    }

    private final class Link implements GatewayFilter.Chain {
        private final int index;
        private final ModelRequest request;
        private final CallContext context;

        Link(int index, ModelRequest request, CallContext context) {
            this.index = index;
            this.request = request;
            this.context = context;
        }

        @Override
        public ModelRequest request() {
            return request;
        }

        @Override
        public CallContext context() {
            return context;
        }

        @Override
        public ModelResult proceed(ModelRequest next) {
            Objects.requireNonNull(next, "a filter proceeded with a null request");
            if (index == filters.size()) {
                return terminal.apply(next, context);
            }
            GatewayFilter filter = filters.get(index);
            ModelResult result = filter.intercept(new Link(index + 1, next, context));
            if (result == null) {
                throw GatewayException.of(ErrorKind.INTERNAL, "Pipeline filter '" + filter.name()
                        + "' returned no result; this is a bug in that filter.");
            }
            return result;
        }
    }
}
