package dev.sluice.api;

import org.pf4j.ExtensionPoint;

/**
 * A pipeline stage: the gateway's own (auth, limits, cache, spend, tracing) and third parties'
 * (guardrails, redaction, audit) alike. Modelled on OkHttp's interceptors: a filter gets the
 * {@link Chain}, may inspect or rewrite the request, and either answers itself (short-circuit) or
 * calls {@link Chain#proceed(ModelRequest)} and returns, possibly wraps, what the rest returned.
 *
 * <p>A filter that needs the whole streamed answer wraps the {@link ChunkStream} and observes
 * chunks as they pass. Returning {@code null} is a bug the chain reports as an internal error.
 */
public interface GatewayFilter extends ExtensionPoint {

    /** @return a short name for logs and traces */
    String name();

    /** @return the slot this filter runs in; third-party filters default to {@link FilterSlot#TRANSFORM} */
    default FilterSlot slot() {
        return FilterSlot.TRANSFORM;
    }

    /** @return the order within the slot, higher first */
    default int weight() {
        return 0;
    }

    /**
     * @param chain the rest of the pipeline
     * @return the result; never null
     * @throws GatewayException to refuse the call with an OpenAI-shaped error
     */
    ModelResult intercept(Chain chain);

    /**
     * The rest of the pipeline from one filter's position. Immutable: calling
     * {@link #proceed(ModelRequest)} again (a retry) runs the rest again from the same place.
     */
    interface Chain {

        /** @return the request as it reached this filter */
        ModelRequest request();

        /** @return the call's shared state */
        CallContext context();

        /** @return what the rest of the pipeline returned for the given request */
        ModelResult proceed(ModelRequest request);
    }
}
