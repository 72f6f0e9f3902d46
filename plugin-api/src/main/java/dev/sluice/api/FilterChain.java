package dev.sluice.api;

import java.util.List;
import java.util.Objects;

/**
 * Runs {@link GatewayFilter}s as an immutable chain in front of a terminal stage. The gateway's
 * pipeline and the test kit's filter harness both run filters through this class, so a filter
 * behaves the same in a plugin's tests as in the gateway.
 */
public final class FilterChain {

    private final List<GatewayFilter> filters;
    private final Terminal terminal;

    /**
     * @param filters  the filters, in the order they run
     * @param terminal what answers at the end of the chain
     */
    public FilterChain(List<GatewayFilter> filters, Terminal terminal) {
        this.filters = List.copyOf(filters);
        this.terminal = Objects.requireNonNull(terminal, "terminal");
    }

    /**
     * Runs one call through the chain.
     *
     * @throws GatewayException of kind {@link ErrorKind#INTERNAL} naming a filter that returned null
     */
    public ModelResult execute(ModelRequest request, CallContext context) {
        return new Link(0, request, context).proceed(request);
    }

    /** The stage at the end of the chain: in the gateway, the router. */
    @FunctionalInterface
    public interface Terminal {

        /** @return the result for the request as the last filter passed it on */
        ModelResult answer(ModelRequest request, CallContext context);
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
                return terminal.answer(next, context);
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
