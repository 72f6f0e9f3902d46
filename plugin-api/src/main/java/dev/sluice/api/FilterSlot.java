package dev.sluice.api;

/**
 * Where a {@link GatewayFilter} sits in the pipeline. Slots run in declaration order; within a
 * slot, filters run by descending {@link GatewayFilter#weight()}. The router is always last.
 */
public enum FilterSlot {
    /** Outermost: sees every request and every outcome (tracing, request logs). */
    OBSERVE,
    /** Establishes the {@link Principal} (key checks). */
    AUTHENTICATE,
    /** Admits or refuses the authenticated call (model access, rate limits, budgets). */
    ADMIT,
    /** Rewrites or checks the admitted request (guardrails, redaction, header injection). */
    TRANSFORM,
    /** Answers from cache or stores what the router returns. */
    CACHE
}
